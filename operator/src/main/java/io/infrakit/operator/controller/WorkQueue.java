package io.infrakit.operator.controller;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A queue of keys to reconcile, as controller-runtime's work queue: a key is held at most once, a key being processed
 * is never handed to a second worker (an add while it runs re-queues it when {@link #done} is called), and failures
 * are retried after a capped exponential backoff per key.
 */
public final class WorkQueue<K> implements AutoCloseable {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final LinkedHashSet<K> queue = new LinkedHashSet<>();
    private final Set<K> processing = new HashSet<>();
    private final Set<K> dirty = new HashSet<>();
    private final Map<K, Long> addedAt = new HashMap<>();
    private final Map<K, Integer> failures = new HashMap<>();
    private final ScheduledExecutorService scheduler;
    private final Duration baseDelay;
    private final Duration maxDelay;
    private volatile boolean shutDown;
    private final Listener<K> listener;
    private volatile long lastWaitNanos;

    /** Observes keys entering and leaving the queue (metrics). Called under the queue's lock: keep it cheap. */
    public interface Listener<K> {
        void added(K key);

        void taken(K key, long waitNanos);
    }

    public WorkQueue(ScheduledExecutorService scheduler, Duration baseDelay, Duration maxDelay) {
        this(scheduler, baseDelay, maxDelay, null);
    }

    public WorkQueue(ScheduledExecutorService scheduler, Duration baseDelay, Duration maxDelay, Listener<K> listener) {
        this.scheduler = scheduler;
        this.baseDelay = baseDelay;
        this.maxDelay = maxDelay;
        this.listener = listener;
    }

    /** Asks for the key to be reconciled as soon as a worker is free. */
    public void add(K key) {
        lock.lock();
        try {
            if (shutDown) {
                return;
            }
            if (processing.contains(key)) {
                dirty.add(key);
            } else if (queue.add(key)) {
                addedAt.put(key, System.nanoTime());
                notEmpty.signal();
                if (listener != null) {
                    listener.added(key);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    public void addAfter(K key, Duration delay) {
        if (delay.isZero() || delay.isNegative()) {
            add(key);
        } else if (!shutDown) {
            scheduler.schedule(() -> add(key), delay.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    /** Re-queues a key that failed, after its backoff; returns the delay chosen. */
    public Duration addWithBackoff(K key) {
        int n;
        lock.lock();
        try {
            n = failures.merge(key, 1, Integer::sum);
        } finally {
            lock.unlock();
        }
        Duration delay = backoff(n);
        addAfter(key, delay);
        return delay;
    }

    /** The key succeeded: its next failure starts the backoff from the beginning. */
    public void forget(K key) {
        lock.lock();
        try {
            failures.remove(key);
        } finally {
            lock.unlock();
        }
    }

    public int failures(K key) {
        lock.lock();
        try {
            return failures.getOrDefault(key, 0);
        } finally {
            lock.unlock();
        }
    }

    Duration backoff(int failureCount) {
        double factor = Math.pow(2, Math.min(failureCount - 1, 30));
        long nanos = (long) Math.min(maxDelay.toNanos(), baseDelay.toNanos() * factor);
        // Up to 10% jitter, so groups failing together do not retry in lockstep.
        nanos += (long) (nanos * 0.1 * ThreadLocalRandom.current().nextDouble());
        return Duration.ofNanos(Math.min(nanos, maxDelay.toNanos()));
    }

    /** Blocks until a key is ready; returns null once the queue is shut down. The caller must call {@link #done}. */
    public K take() throws InterruptedException {
        lock.lock();
        try {
            while (queue.isEmpty() && !shutDown) {
                notEmpty.await();
            }
            if (shutDown) {
                return null;
            }
            var it = queue.iterator();
            K key = it.next();
            it.remove();
            processing.add(key);
            Long added = addedAt.remove(key);
            lastWaitNanos = added == null ? 0 : System.nanoTime() - added;
            if (listener != null) {
                listener.taken(key, lastWaitNanos);
            }
            return key;
        } finally {
            lock.unlock();
        }
    }

    /** How long the key last taken waited in the queue. */
    public long lastWaitNanos() {
        return lastWaitNanos;
    }

    /** The worker finished the key; if it was added meanwhile, it goes back in the queue. */
    public void done(K key) {
        lock.lock();
        try {
            processing.remove(key);
            if (dirty.remove(key) && !shutDown && queue.add(key)) {
                addedAt.put(key, System.nanoTime());
                notEmpty.signal();
                if (listener != null) {
                    listener.added(key);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Keys waiting (not counting those being processed). */
    public int depth() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /** Wakes every waiting worker with null and drops what is queued. */
    @Override
    public void close() {
        lock.lock();
        try {
            shutDown = true;
            queue.clear();
            dirty.clear();
            addedAt.clear();
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
