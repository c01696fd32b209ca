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

    private final Store store;
    private final String key;
    private final Duration deadline;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "infrakit-etcd-probe");
        t.setDaemon(true);
        return t;
    });
    private CompletableFuture<Void> inFlight; // guarded by this

    /** @param key a key this process may read (under the prefix; it need not exist) */
    public EtcdProbe(Store store, String key, Duration deadline) {
        this.store = store;
        this.key = key;
        this.deadline = deadline;
    }

    /** Null when etcd answered in time, else why not. */
    public String check() {
        CompletableFuture<Void> probe;
        synchronized (this) {
            if (inFlight == null || inFlight.isDone()) {
                inFlight = CompletableFuture.runAsync(() -> {
                    store.get(key);
                    List<String> alarms = store.alarms();
                    if (!alarms.isEmpty()) {
                        throw new IllegalStateException("etcd refuses writes: alarm " + String.join(", ", alarms)
                                + (alarms.stream().anyMatch(a -> a.startsWith("NOSPACE"))
                                ? " (out of space: no spec, status or event can be written; instances are left as"
                                + " they are; reclaim space with compaction and defragmentation, then disarm)" : ""));
                    }
                }, executor);
            }
            probe = inFlight;
        }
        try {
            probe.get(deadline.toNanos(), TimeUnit.NANOSECONDS);
            return null;
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

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
