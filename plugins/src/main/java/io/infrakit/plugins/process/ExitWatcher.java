package io.infrakit.plugins.process;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices when watched processes exit. A child of this JVM is reported the moment it is reaped (its
 * {@code onExit()}). A process found after a restart is not our child: the JDK would poll it from a thread of its
 * own, slowly, so a {@code /proc} check every period covers those instead (and, every
 * {@link #CHILD_CHECK_EVERY} periods, children too, in case anything was missed). Each exit is reported once.
 */
final class ExitWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ExitWatcher.class);

    /** What exited: the instance, its group, and how long it ran (null: it was running before we watched it). */
    record Exit(String id, String group, Duration lived, long atNanos) {
    }

    private record Watched(long pid, long startTicks, String group, long sinceNanos) {
    }

    private static final long UNKNOWN = Long.MIN_VALUE;
    static final int CHILD_CHECK_EVERY = 10;

    private final Map<String, Watched> watched = new ConcurrentHashMap<>();
    private final Consumer<Exit> onExit;
    private final ScheduledExecutorService checker;
    private long checks;

    /**
     * @param onExit called once per exit, from a watcher thread
     * @param period how often the {@code /proc} fallback runs
     */
    ExitWatcher(Consumer<Exit> onExit, Duration period) {
        this.onExit = onExit;
        this.checker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "process-exit-check");
            t.setDaemon(true);
            return t;
        });
        checker.scheduleWithFixedDelay(this::check, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Watches a child this plugin just started; {@code exit} is its {@code onExit()}. */
    void watchChild(String id, String group, long pid, long startTicks, CompletableFuture<?> exit) {
        Watched w = new Watched(pid, startTicks, group, System.nanoTime());
        watched.put(id, w);
        exit.whenComplete((ignored, error) -> exited(id, w));
    }

    /** Watches a process found running (after a restart), through {@code /proc}. */
    void watchFound(String id, String group, long pid, long startTicks) {
        watched.put(id, new Watched(pid, startTicks, group, UNKNOWN));
    }

    /** Stops watching, so an exit this plugin causes itself (destroy) is not reported. */
    void unwatch(String id) {
        watched.remove(id);
    }

    private void exited(String id, Watched w) {
        if (watched.remove(id, w)) {
            try {
                long now = System.nanoTime();
                Duration lived = w.sinceNanos() == UNKNOWN ? null : Duration.ofNanos(now - w.sinceNanos());
                onExit.accept(new Exit(id, w.group(), lived, now));
            } catch (RuntimeException e) {
                LOG.warn("exit handler for {} failed", id, e);
            }
        }
    }

    private void check() {
        boolean children = ++checks % CHILD_CHECK_EVERY == 0;
        for (Map.Entry<String, Watched> e : watched.entrySet()) {
            Watched w = e.getValue();
            if ((children || w.sinceNanos() == UNKNOWN) && !ProcStat.alive(w.pid(), w.startTicks())) {
                exited(e.getKey(), w);
            }
        }
    }

    /** Runs a task later on the watcher's thread (nothing runs once closed). */
    void later(Runnable task, Duration delay) {
        try {
            checker.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed
        }
    }

    @Override
    public void close() {
        checker.shutdownNow();
        watched.clear();
    }
}
