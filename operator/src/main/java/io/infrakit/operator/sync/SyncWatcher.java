package io.infrakit.operator.sync;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps following a source: syncs at once, then every {@code interval} or as soon as {@link #trigger} is called
 * (by the webhook). Triggers that arrive during a sync are folded into one more sync. A failed sync leaves etcd as
 * it was and is retried at the next tick.
 */
public final class SyncWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SyncWatcher.class);

    private final Syncer syncer;
    private final Duration interval;
    private final Consumer<SyncResult> onResult;
    private final Semaphore wake = new Semaphore(0);
    private final Thread thread;
    private volatile boolean running = true;

    public SyncWatcher(Syncer syncer, Duration interval, Consumer<SyncResult> onResult) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("the interval must be positive: " + interval);
        }
        this.syncer = Objects.requireNonNull(syncer, "syncer");
        this.interval = interval;
        this.onResult = onResult == null ? r -> { } : onResult;
        this.thread = new Thread(this::loop, "infrakit-sync-" + syncer.options().name());
        this.thread.setDaemon(true);
    }

    public SyncWatcher start() {
        thread.start();
        return this;
    }

    /** Asks for a sync now (or right after the one running). */
    public void trigger() {
        wake.release();
    }

    private void loop() {
        while (running) {
            try {
                onResult.accept(syncer.sync(false));
            } catch (RuntimeException e) {
                LOG.warn("sync {} failed: {}", syncer.options().name(), e.toString(), e);
            }
            try {
                if (wake.tryAcquire(interval.toMillis(), TimeUnit.MILLISECONDS)) {
                    wake.drainPermits();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Stops after the sync under way, if any. */
    @Override
    public void close() {
        running = false;
        wake.release();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
