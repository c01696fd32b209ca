package io.infrakit.store.etcd;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import io.etcd.jetcd.Watch.Listener;
import io.etcd.jetcd.Watch.Watcher;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchResponse;
import io.infrakit.store.Backoff;
import io.infrakit.store.KeyValue;
import io.infrakit.store.Listing;
import io.infrakit.store.Store;
import io.infrakit.store.StoreException;
import io.infrakit.store.WatchEvent;
import io.infrakit.store.WatchListener;
import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A prefix watch that resumes after any break from the last delivered revision + 1, and re-lists when that revision
 * was compacted. jetcd retries broken watch streams by itself, but from a revision it may have moved past events
 * not yet delivered; so every jetcd stream here is single-use: on error it is closed and a new one is opened from
 * our own bookkeeping. All state lives on one thread, which is also the thread that calls the listener.
 */
final class EtcdWatch implements Store.Watch {

    private static final Logger log = LoggerFactory.getLogger(EtcdWatch.class);
    private static final ThreadFactory THREADS = new ThreadFactoryBuilder().setNameFormat("infrakit-watch-%d")
            .setDaemon(true).build();
    /** Reopening a broken watch: 100 ms doubling to 2 s. */
    private static final Backoff BACKOFF = Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(2));

    private final EtcdStore store;
    private final io.etcd.jetcd.Watch client;
    private final String prefix;
    private final WatchListener listener;
    private final Consumer<EtcdWatch> onClose;
    private final ScheduledThreadPoolExecutor thread;

    // Confined to `thread`.
    private long nextRevision;
    private Stream current;
    private boolean down;
    private int failures;

    private volatile Thread watchThread;
    private volatile boolean closed;

    EtcdWatch(EtcdStore store, io.etcd.jetcd.Watch client, String prefix, WatchListener listener,
              Consumer<EtcdWatch> onClose) {
        this.store = store;
        this.client = client;
        this.prefix = prefix;
        this.listener = listener;
        this.onClose = onClose;
        this.thread = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = THREADS.newThread(r);
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
                snapshot = store.list(prefix);
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
        WatchOption option = WatchOption.builder()
                .withRange(EtcdStore.prefixEnd(prefix))
                .withRevision(nextRevision)
                .withCreateNotify(true)
                .withRequireLeader(true)
                .build();
        Stream stream = new Stream();
        current = stream;
        try {
            stream.attach(client.watch(EtcdStore.bytes(prefix.isEmpty() ? "\0" : prefix), option, stream));
        } catch (RuntimeException e) {
            // The jetcd client is closed (store closing) or refused the request.
            current = null;
            broken(e);
        }
    }

    private void onResponse(Stream stream, WatchResponse response) {
        if (closed || stream != current) {
            return;
        }
        if (response.isCreatedNotify()) {
            if (down) {
                log.info("watch on '{}' resumed from revision {}", prefix, nextRevision);
            }
            down = false;
            failures = 0;
            return;
        }
        for (io.etcd.jetcd.watch.WatchEvent e : response.getEvents()) {
            KeyValue kv = EtcdStore.keyValue(e.getKeyValue());
            if (kv.modRevision() < nextRevision) {
                continue; // already delivered before a reconnect
            }
            WatchEvent event = new WatchEvent(
                    e.getEventType() == io.etcd.jetcd.watch.WatchEvent.EventType.DELETE
                            ? WatchEvent.Type.DELETE : WatchEvent.Type.PUT,
                    kv);
            deliver(() -> listener.onEvent(event));
            if (closed) {
                return;
            }
        }
        // A revision's events always come in one response, so the whole revision is delivered now.
        if (!response.getEvents().isEmpty()) {
            long last = response.getEvents().get(response.getEvents().size() - 1).getKeyValue().getModRevision();
            nextRevision = Math.max(nextRevision, last + 1);
        }
    }

    private void onStreamError(Stream stream, Throwable error) {
        if (closed || stream != current) {
            return;
        }
        current = null;
        if (Calls.isCompacted(error)) {
            log.info("watch on '{}': revision {} was compacted, re-listing", prefix, nextRevision);
            nextRevision = 0;
            open();
            return;
        }
        broken(error);
    }

    private void broken(Throwable error) {
        if (closed || store.isClosed()) {
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
                if (!thread.awaitTermination(store.calls().timeout().toMillis() + 1_000, TimeUnit.MILLISECONDS)) {
                    log.warn("watch on '{}' did not stop in time", prefix);
                    thread.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** One jetcd stream. jetcd calls it on its own threads; everything is handed to the watch thread. */
    private final class Stream implements Listener {
        private volatile Watcher watcher;
        private volatile boolean dead;

        void attach(Watcher w) {
            watcher = w;
            if (dead) {
                w.close(); // an error arrived before client.watch returned
            }
        }

        void stop() {
            dead = true;
            Watcher w = watcher;
            if (w != null) {
                w.close();
            }
        }

        @Override
        public void onNext(WatchResponse response) {
            if (!dead) {
                submit(() -> onResponse(this, response));
            }
        }

        @Override
        public void onError(Throwable error) {
            if (!dead) {
                // Close right here, before jetcd schedules its own resume of this stream.
                stop();
                submit(() -> onStreamError(this, error));
            }
        }

        @Override
        public void onCompleted() {
            if (!dead) {
                stop();
                submit(() -> onStreamError(this, new StoreException("etcd ended the watch stream")));
            }
        }

        private void submit(Runnable task) {
            if (!closed) {
                try {
                    thread.execute(task);
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    // closing
                }
            }
        }
    }
}
