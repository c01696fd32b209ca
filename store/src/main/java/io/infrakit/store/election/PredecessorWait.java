package io.infrakit.store.election;

import io.infrakit.store.Store;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A candidate waiting for the next older candidate's key to go: a watch on that key, and a fresh check once a TTL.
 * The watch's stream may sit on an etcd member that stopped answering (no deadline, no error); the check lists again
 * through whichever member answers, and a listing that times out makes the client reconnect its watches.
 */
final class PredecessorWait implements AutoCloseable {

    private final Store.Watch watch;
    private final ScheduledFuture<?> recheck;

    private PredecessorWait(Store.Watch watch, ScheduledFuture<?> recheck) {
        this.watch = watch;
        this.recheck = recheck;
    }

    /** Watches {@code key} from {@code revision} on; {@code check} runs when it goes, or after {@code ttlSeconds}. */
    static PredecessorWait start(Store store, ElectionThread thread, String key, long revision, Runnable check,
                                 long ttlSeconds) {
        Store.Watch watch = store.watch(key, revision, new KeyGone(key, check));
        return new PredecessorWait(watch, thread.schedule(check, ttlSeconds, TimeUnit.SECONDS));
    }

    @Override
    public void close() {
        recheck.cancel(false);
        watch.close();
    }
}
