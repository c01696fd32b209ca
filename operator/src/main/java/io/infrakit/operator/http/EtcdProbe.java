package io.infrakit.operator.http;

import io.infrakit.store.Store;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Is etcd reachable, and taking writes? One cheap get and etcd's list of alarms (NOSPACE: out of space) of a key under the prefix, answered within a short deadline. Probes that
 * arrive while one is under way share it, so a slow etcd never piles up requests from health checks.
 */
public final class EtcdProbe implements AutoCloseable {

    private static final Duration ALARMS_EVERY = Duration.ofSeconds(2);
    private static final Duration ALARMS_WAIT = Duration.ofMillis(300);

    private final Store store;
    private final String key;
    private final Duration deadline;
    /** Two threads: a slow read of the alarms never delays the next probe's get. */
    private final ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "infrakit-etcd-probe");
        t.setDaemon(true);
        return t;
    });
    private CompletableFuture<Void> inFlight; // guarded by this
    private CompletableFuture<Void> alarmsRead; // guarded by this
    private long alarmsReadAt = System.nanoTime() - ALARMS_EVERY.toNanos() - 1; // guarded by this
    private volatile List<String> alarms = List.of();

    /** @param key a key this process may read (under the prefix; it need not exist) */
    public EtcdProbe(Store store, String key, Duration deadline) {
        this.store = store;
        this.key = key;
        this.deadline = deadline;
    }

    /** Null when etcd answered in time and has raised no alarm, else why not. */
    public String check() {
        CompletableFuture<Void> probe;
        synchronized (this) {
            if (inFlight == null || inFlight.isDone()) {
                inFlight = CompletableFuture.runAsync(() -> store.get(key), executor);
            }
            probe = inFlight;
        }
        try {
            probe.get(deadline.toNanos(), TimeUnit.NANOSECONDS);
            return alarms();
        } catch (TimeoutException e) {
            return "etcd at " + store.endpoints() + " did not answer within " + deadline.toMillis() + "ms";
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return cause.getMessage() == null ? cause.toString() : cause.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /**
     * etcd's alarms as last read (read again in the background when older than {@link #ALARMS_EVERY}, so a probe
     * never waits for them): null when none is raised or none could be read yet.
     */
    private String alarms() {
        long now = System.nanoTime();
        CompletableFuture<Void> read;
        synchronized (this) {
            if (now - alarmsReadAt > ALARMS_EVERY.toNanos() && (alarmsRead == null || alarmsRead.isDone())) {
                alarmsReadAt = now;
                alarmsRead = CompletableFuture.runAsync(() -> alarms = store.alarms(), executor);
            }
            read = alarmsRead;
        }
        try {
            read.get(ALARMS_WAIT.toNanos(), TimeUnit.NANOSECONDS); // fresh if etcd answers quickly, else as last read
        } catch (TimeoutException | ExecutionException e) {
            // the last answer stands
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<String> raised = alarms;
        if (raised.isEmpty()) {
            return null;
        }
        return "etcd refuses writes: alarm " + String.join(", ", raised)
                + (raised.stream().anyMatch(a -> a.startsWith("NOSPACE"))
                ? " (out of space: no spec, status or event can be written; instances are left as they are;"
                + " reclaim space with compaction and defragmentation, then disarm)" : "");
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
