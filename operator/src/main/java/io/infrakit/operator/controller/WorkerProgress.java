package io.infrakit.operator.controller;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.MDC;

/**
 * Whether the workers make progress, for the replica's health check: a reconcile that has gone {@code stallAfter}
 * without any of its plugin calls finishing is stuck (a plugin call that ignores its deadline, a lock never
 * released), and so is a replica with fewer workers than it should have. A long reconcile whose plugin calls keep
 * finishing (destroying a thousand instances) is not.
 */
final class WorkerProgress {

    private final long stallAfterNanos;
    /** The groups being reconciled, with when each last moved (started, or a plugin call of it finished). */
    private final Map<String, Long> moved = new ConcurrentHashMap<>();
    /** When a reconcile last ended (nanoTime). */
    private volatile long lastFinished = System.nanoTime();

    WorkerProgress(Duration stallAfter) {
        this.stallAfterNanos = stallAfter.toNanos();
    }

    /** A worker starts reconciling the group. */
    void started(String group) {
        moved.put(group, System.nanoTime());
    }

    /** The group's reconcile ended, however. */
    void finished(String group) {
        moved.remove(group);
        lastFinished = System.nanoTime();
    }

    /** How long no reconcile has run: 0 while one does. */
    long quietNanos() {
        return moved.isEmpty() ? System.nanoTime() - lastFinished : 0;
    }

    /** A plugin call of the reconcile this thread works for finished (its group is in the log context). */
    void progressed() {
        String group = MDC.get("group");
        if (group != null) {
            moved.computeIfPresent(group, (g, t) -> System.nanoTime());
        }
    }

    /** A new term's workers start: nothing is owed yet. */
    void reset() {
        moved.clear();
    }

    /**
     * Null when the workers are fine; otherwise why not.
     *
     * @param alive  worker threads running
     * @param wanted worker threads there should be
     */
    String problem(int alive, int wanted) {
        if (alive < wanted) {
            return alive + " of " + wanted + " workers running";
        }
        long now = System.nanoTime();
        for (Map.Entry<String, Long> e : moved.entrySet()) {
            long quiet = now - e.getValue();
            if (quiet >= stallAfterNanos) {
                return "the reconcile of " + e.getKey() + " has not moved for " + quiet / 1_000_000_000 + " s";
            }
        }
        return null;
    }
}
