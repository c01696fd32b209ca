package io.infrakit.operator.controller;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives the heap back after a burst of work. The serial collector shrinks the heap (to {@code MaxHeapFreeRatio})
 * only at a full collection, which an idle operator never runs: after converging a thousand groups the heap stays
 * at its maximum, mostly garbage, for good. Once the controller has gone quiet and the committed heap is well above
 * what the last collection left in use, this runs one full collection. It then waits for the heap to grow past
 * what that collection left before it collects again (a new burst), and never more often than {@link #MIN_INTERVAL}.
 */
public final class HeapTrimmer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HeapTrimmer.class);

    /** How long the controller must have had nothing to do. */
    static final Duration QUIET = Duration.ofSeconds(5);
    static final Duration CHECK_EVERY = Duration.ofSeconds(2);
    /** The least time between two collections, whatever the heap does. */
    static final Duration MIN_INTERVAL = Duration.ofMinutes(1);
    /** Less free committed heap than this is not worth a full collection. */
    static final long MIN_SLACK = 8L << 20;

    /** The heap as the trimmer sees it; {@link #jvm()} in the operator. */
    interface Heap {
        long committed();

        /** Heap in use just after the last collection, young or full; -1 before the first. */
        long usedAfterLastCollection();

        /** A full collection. */
        void collect();
    }

    private final Heap heap;
    private final LongSupplier quietNanos;
    private final LongSupplier clock;
    private final AtomicLong collections = new AtomicLong();
    /** The committed heap must grow past this for a new collection: what the last one left (0: none yet). */
    private long leftAt;
    private long lastAt;
    private boolean collected;
    private ScheduledFuture<?> task;

    /**
     * @param quietNanos how long the controller has had nothing to do (queue empty, no reconcile running); 0 when
     *                   busy
     * @param clock      nanoTime
     */
    HeapTrimmer(Heap heap, LongSupplier quietNanos, LongSupplier clock) {
        this.heap = heap;
        this.quietNanos = quietNanos;
        this.clock = clock;
    }

    /** Checks every {@link #CHECK_EVERY} on the scheduler. */
    synchronized void start(ScheduledExecutorService scheduler) {
        if (task == null) {
            long every = CHECK_EVERY.toMillis();
            task = scheduler.scheduleWithFixedDelay(this::checkQuietly, every, every, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public synchronized void close() {
        if (task != null) {
            task.cancel(false);
            task = null;
        }
    }

    /** Full collections run so far. */
    public long collections() {
        return collections.get();
    }

    private void checkQuietly() {
        try {
            check();
        } catch (RuntimeException e) {
            log.warn("cannot look at the heap: {}", e.toString());
        }
    }

    /** One look: collects when the time has come; true when it did. */
    synchronized boolean check() {
        if (quietNanos.getAsLong() < QUIET.toNanos()) {
            return false;
        }
        long now = clock.getAsLong();
        if (collected && now - lastAt < MIN_INTERVAL.toNanos()) {
            return false;
        }
        long committed = heap.committed();
        if (committed <= leftAt) {
            return false; // no burst since the last collection: another would give nothing back
        }
        long used = heap.usedAfterLastCollection();
        if (used < 0 || committed - used < Math.max(MIN_SLACK, committed / 5)) {
            return false;
        }
        heap.collect();
        long after = heap.committed();
        long usedAfter = heap.usedAfterLastCollection();
        collected = true;
        lastAt = clock.getAsLong();
        leftAt = after;
        collections.incrementAndGet();
        log.info("idle after a burst: full collection, heap committed {} MB -> {} MB, in use {} MB -> {} MB",
                mb(committed), mb(after), mb(used), mb(usedAfter));
        return true;
    }

    private static long mb(long bytes) {
        return bytes >> 20;
    }

    /** This JVM's heap. */
    static Heap jvm() {
        return new Heap() {
            private final Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                    .filter(p -> p.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName)
                    .collect(Collectors.toUnmodifiableSet());

            @Override
            public long committed() {
                return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted();
            }

            @Override
            public long usedAfterLastCollection() {
                com.sun.management.GcInfo last = null;
                for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                    if (gc instanceof com.sun.management.GarbageCollectorMXBean sun) {
                        com.sun.management.GcInfo info = sun.getLastGcInfo();
                        if (info != null && (last == null || info.getEndTime() > last.getEndTime())) {
                            last = info;
                        }
                    }
                }
                if (last == null) {
                    return -1;
                }
                long used = 0;
                for (Map.Entry<String, MemoryUsage> e : last.getMemoryUsageAfterGc().entrySet()) {
                    if (heapPools.contains(e.getKey())) {
                        used += e.getValue().getUsed();
                    }
                }
                return used;
            }

            @Override
            public void collect() {
                System.gc(); // a full collection under the serial collector (deploy/jvm.options), which then shrinks
            }
        };
    }
}
