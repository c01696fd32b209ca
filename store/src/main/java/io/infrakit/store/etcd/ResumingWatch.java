package io.infrakit.store.etcd;

import io.infrakit.store.Backoff;
import io.infrakit.store.Listing;
import io.infrakit.store.Store;
import io.infrakit.store.StoreException;
import io.infrakit.store.WatchEvent;
import io.infrakit.store.WatchListener;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A prefix watch that resumes after any break from the last delivered revision + 1, and re-lists when that revision
 * was compacted. Clients retry broken watch streams by themselves (jetcd does), but from a revision they may have
 * moved past events not yet delivered; so every stream here is single-use: on error it is closed and a new one is
 * opened from our own bookkeeping. All state lives on one thread, which is also the thread that calls the listener.
 *
 * <p>When etcd comes back with less history than was seen ({@link RevisionWatermark}: restored from an older
 * snapshot), resuming would wait for revisions that now mean other changes: the watch re-lists instead, and tells its
 * listener the revision went backwards before handing it the new listing.
 */
final class ResumingWatch implements Store.Watch {

    private static final Logger log = LoggerFactory.getLogger(ResumingWatch.class);
    private static final AtomicInteger THREADS = new AtomicInteger();
    /** Reopening a broken watch: 100 ms doubling to 2 s. */
    private static final Backoff BACKOFF = Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(2));

    private final WatchStreams streams;
    private final Function<String, Listing> lister;
    private final BooleanSupplier storeClosed;
    private final Duration closeWait;
    private final String prefix;
    private final WatchListener listener;
    private final Consumer<ResumingWatch> onClose;
    private final ScheduledThreadPoolExecutor thread;
    private final RevisionWatermark watermark;
    private final LongConsumer onRewind = e -> submit(() -> rewound(e));

    // Confined to `thread`.
    private long nextRevision;
    private Stream current;
    private boolean down;
    private int failures;
    private ScheduledFuture<?> retry;
    /** The watermark's epoch this watch's state belongs to. */
    private long epoch;
    /** The cluster ID of the last stream's answer (0: not known). */
    private long cluster;

    private volatile Thread watchThread;
    private volatile boolean closed;

    /**
     * @param lister      lists the prefix (for a start from 0, and after a compaction)
     * @param storeClosed whether the store is closing: a broken stream is then not reported
     * @param closeWait   how long {@link #close} waits for a listing in progress
     */
    ResumingWatch(WatchStreams streams, Function<String, Listing> lister, BooleanSupplier storeClosed,
                  Duration closeWait, String prefix, WatchListener listener, Consumer<ResumingWatch> onClose,
                  RevisionWatermark watermark) {
        this.streams = streams;
        this.watermark = watermark;
        this.lister = lister;
        this.storeClosed = storeClosed;
        this.closeWait = closeWait;
        this.prefix = prefix;
        this.listener = listener;
        this.onClose = onClose;
        this.thread = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "infrakit-watch-" + THREADS.getAndIncrement());
            t.setDaemon(true);
            watchThread = t;
            return t;
        });
        this.thread.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.thread.setRemoveOnCancelPolicy(true);
    }

    void start(long fromRevision) {
        long at = watermark.epoch();
        watermark.onRewind(onRewind);
        thread.execute(() -> {
            epoch = at;
            nextRevision = fromRevision;
            open();
        });
    }

    /** (Re)starts the stream from {@link #nextRevision}; 0 means: list first. */
    private void open() {
        if (closed) {
            return;
        }
        retry = null;
        if (nextRevision == 0) {
            RevisionWatermark.Mark before = watermark.mark();
            Listing snapshot;
            try {
                snapshot = lister.apply(prefix);
            } catch (StoreException e) {
                broken(e);
                return;
            }
            nextRevision = snapshot.revision() + 1;
            RevisionWatermark.Settled settled = watermark.settle(before, snapshot.revision(), cluster);
            if (settled.epoch() > epoch) {
                epoch = settled.epoch();
                deliver(() -> listener.onRevisionBackwards(settled.seenBefore(), snapshot.revision()));
            }
            deliver(() -> listener.onResync(snapshot));
            if (closed) {
                return;
            }
        }
        Stream stream = new Stream();
        current = stream;
        try {
            stream.attach(streams.open(prefix, nextRevision, stream));
        } catch (RuntimeException e) {
            // The client is closed (store closing) or refused the request.
            current = null;
            broken(e);
        }
    }

    private void onCreated(Stream stream, long revision, long clusterId) {
        if (closed || stream != current) {
            return;
        }
        cluster = clusterId;
        if (watermark.suspect(revision, clusterId)) {
            // Resuming from nextRevision would wait for revisions etcd has yet to reach again: list what it has.
            log.info("watch on '{}': etcd answers at revision {} (cluster {}), behind what was seen; re-listing",
                    prefix, revision, Long.toHexString(clusterId));
            relist();
            return;
        }
        if (down) {
            log.info("watch on '{}' resumed from revision {}", prefix, nextRevision);
        }
        down = false;
        failures = 0;
    }

    private void onChanged(Stream stream, List<WatchEvent> events) {
        if (closed || stream != current) {
            return;
        }
        for (WatchEvent event : events) {
            if (event.kv().modRevision() < nextRevision) {
                continue; // already delivered before a reconnect
            }
            deliver(() -> listener.onEvent(event));
            if (closed) {
                return;
            }
        }
        // A revision's events always come in one response, so the whole revision is delivered now.
        if (!events.isEmpty()) {
            nextRevision = Math.max(nextRevision, events.get(events.size() - 1).kv().modRevision() + 1);
            watermark.seen(nextRevision - 1);
        }
    }

    private void onFailed(Stream stream, Throwable error) {
        if (closed || stream != current) {
            return;
        }
        current = null;
        if (streams.isCompacted(error)) {
            log.info("watch on '{}': revision {} was compacted, re-listing", prefix, nextRevision);
            nextRevision = 0;
            open();
            return;
        }
        broken(error);
    }

    /** Another watch of the store found etcd rewound (epoch {@code e}): drop the stream and re-list. */
    private void rewound(long e) {
        if (closed || e <= epoch) {
            return;
        }
        relist();
    }

    private void relist() {
        Stream s = current;
        current = null;
        if (s != null) {
            s.stop();
        }
        if (retry != null) {
            retry.cancel(false);
            retry = null;
        }
        nextRevision = 0;
        open();
    }

    private void broken(Throwable error) {
        if (closed || storeClosed.getAsBoolean()) {
            return;
        }
        if (!down) {
            down = true;
            log.warn("watch on '{}' broken at revision {}: {}", prefix, nextRevision, error.toString());
            deliver(() -> listener.onDisconnected(error));
        }
        failures++;
        retry = thread.schedule(this::open, BACKOFF.delay(failures).toMillis(), TimeUnit.MILLISECONDS);
    }

    private void deliver(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            log.error("watch listener on '{}' failed", prefix, e);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        watermark.removeListener(onRewind);
        onClose.accept(this);
        thread.execute(() -> {
            Stream s = current;
            current = null;
            if (s != null) {
                s.stop();
            }
        });
        thread.shutdown();
        if (Thread.currentThread() != watchThread) { // a listener closing its own watch cannot wait for itself
            try {
                // A listing in progress may take up to the request timeout.
                if (!thread.awaitTermination(closeWait.toMillis() + 1_000, TimeUnit.MILLISECONDS)) {
                    log.warn("watch on '{}' did not stop in time", prefix);
                    thread.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** One stream. It reports on its own threads; everything is handed to the watch thread. */
    private final class Stream implements WatchStreams.Events {
        private volatile WatchStreams.Stream stream;
        private volatile boolean dead;

        void attach(WatchStreams.Stream s) {
            stream = s;
            if (dead) {
                s.close(); // an error arrived before open returned
            }
        }

        void stop() {
            dead = true;
            WatchStreams.Stream s = stream;
            if (s != null) {
                s.close();
            }
        }

        @Override
        public void created(long revision, long clusterId) {
            if (!dead) {
                submit(() -> onCreated(this, revision, clusterId));
            }
        }

        @Override
        public void changed(List<WatchEvent> events) {
            if (!dead) {
                submit(() -> onChanged(this, events));
            }
        }

        @Override
        public void failed(Throwable error) {
            if (!dead) {
                // Close right here, before the client schedules its own resume of this stream.
                stop();
                submit(() -> onFailed(this, error));
            }
        }
    }

    /** Runs a task on the watch thread (nothing once closing). */
    private void submit(Runnable task) {
        if (!closed) {
            try {
                thread.execute(task);
            } catch (RejectedExecutionException e) {
                // closing
            }
        }
    }
}
