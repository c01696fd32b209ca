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
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A prefix watch that resumes after any break from the last delivered revision + 1, and re-lists when that revision
 * was compacted. Clients retry broken watch streams by themselves (jetcd does), but from a revision they may have
 * moved past events not yet delivered; so every stream here is single-use: on error it is closed and a new one is
 * opened from our own bookkeeping. All state lives on one thread, which is also the thread that calls the listener.
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

    // Confined to `thread`.
    private long nextRevision;
    private Stream current;
    private boolean down;
    private int failures;

    private volatile Thread watchThread;
    private volatile boolean closed;

    /**
     * @param lister      lists the prefix (for a start from 0, and after a compaction)
     * @param storeClosed whether the store is closing: a broken stream is then not reported
     * @param closeWait   how long {@link #close} waits for a listing in progress
     */
    ResumingWatch(WatchStreams streams, Function<String, Listing> lister, BooleanSupplier storeClosed,
                  Duration closeWait, String prefix, WatchListener listener, Consumer<ResumingWatch> onClose) {
        this.streams = streams;
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
        thread.execute(() -> {
            nextRevision = fromRevision;
            open();
        });
    }

    /** (Re)starts the stream from {@link #nextRevision}; 0 means: list first. */
    private void open() {
        if (closed) {
            return;
        }
        if (nextRevision == 0) {
            Listing snapshot;
            try {
                snapshot = lister.apply(prefix);
            } catch (StoreException e) {
                broken(e);
                return;
            }
            nextRevision = snapshot.revision() + 1;
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

    private void onCreated(Stream stream) {
        if (closed || stream != current) {
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
        thread.schedule(this::open, BACKOFF.delay(failures).toMillis(), TimeUnit.MILLISECONDS);
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
        public void created() {
            if (!dead) {
                submit(() -> onCreated(this));
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
}
