package io.infrakit.operator.controller;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A queue of keys to reconcile, as controller-runtime's work queue: a key is held at most once, a key being processed
 * is never handed to a second worker (an add while it runs re-queues it when {@link #done} is called), and failures
 * are retried after the delay of its {@link RateLimiter}. A key waits for at most one delayed add, the earliest, and
 * taking the key cancels it: the pass that runs decides when the next one is due. (Otherwise every pass that failed
 * leaves a timer behind, and a group failing for a while is retried more and more often, whatever its backoff.)
 */
public final class WorkQueue<K> implements AutoCloseable {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final LinkedHashSet<K> queue = new LinkedHashSet<>();
    private final Set<K> processing = new HashSet<>();
    private final Set<K> dirty = new HashSet<>();
    private final Map<K, Long> addedAt = new HashMap<>();
    private final Map<K, Delayed> delayed = new HashMap<>();
    private final RateLimiter<K> rateLimiter;
    private final ScheduledExecutorService scheduler;
    private volatile boolean shutDown;
    private final Listener<K> listener;
    private volatile long lastWaitNanos;

    /** A delayed add waiting to fire; {@code token} tells it from one that replaced it. */
    private record Delayed(long dueNanos, Object token, ScheduledFuture<?> future) {
    }

    /** Observes keys entering and leaving the queue (metrics). Called under the queue's lock: keep it cheap. */
    public interface Listener<K> {
        void added(K key);

        void taken(K key, long waitNanos);
    }

    public WorkQueue(ScheduledExecutorService scheduler, RateLimiter<K> rateLimiter) {
        this(scheduler, rateLimiter, null);
    }

    public WorkQueue(ScheduledExecutorService scheduler, RateLimiter<K> rateLimiter, Listener<K> listener) {
        this.scheduler = scheduler;
        this.rateLimiter = rateLimiter;
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
            } else {
                enqueue(key);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Puts the key in the queue unless it waits there already, and wakes a worker. Under the lock. */
    private void enqueue(K key) {
        if (queue.add(key)) {
            addedAt.put(key, System.nanoTime());
            notEmpty.signal();
            if (listener != null) {
                listener.added(key);
            }
        }
    }

    /** Adds the key after the delay, unless an add already waiting for it comes sooner. */
    public void addAfter(K key, Duration delay) {
        if (delay.isZero() || delay.isNegative()) {
            add(key);
            return;
        }
        lock.lock();
        try {
            if (shutDown) {
                return;
            }
            long due = System.nanoTime() + delay.toNanos();
            Delayed pending = delayed.get(key);
            if (pending != null) {
                if (pending.dueNanos() - due <= 0) {
                    return;
                }
                pending.future().cancel(false);
            }
            Object token = new Object();
            ScheduledFuture<?> future = scheduler.schedule(() -> fire(key, token), delay.toNanos(),
                    TimeUnit.NANOSECONDS);
            delayed.put(key, new Delayed(due, token, future));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Adds the key unless it is being processed or a delayed add waits for it (a failed key waiting out its backoff):
     * for periodic resyncs, which must not undo the backoff. Events that bring news use {@link #add}.
     */
    public void addIfIdle(K key) {
        lock.lock();
        try {
            if (!delayed.containsKey(key) && !processing.contains(key)) {
                add(key);
            }
        } finally {
            lock.unlock();
        }
    }

    private void fire(K key, Object token) {
        lock.lock();
        try {
            Delayed d = delayed.get(key);
            if (d == null || d.token() != token) {
                return; // replaced or cancelled meanwhile
            }
            delayed.remove(key);
            add(key);
        } finally {
            lock.unlock();
        }
    }

    /** Re-queues a key that failed, after the delay its rate limiter gives; returns the delay. */
    public Duration addRateLimited(K key) {
        Duration delay;
        lock.lock();
        try {
            delay = rateLimiter.when(key);
        } finally {
            lock.unlock();
        }
        addAfter(key, delay);
        return delay;
    }

    /** The key succeeded: its next failure starts the backoff from the beginning. */
    public void forget(K key) {
        lock.lock();
        try {
            rateLimiter.forget(key);
        } finally {
            lock.unlock();
        }
    }

    public int failures(K key) {
        lock.lock();
        try {
            return rateLimiter.failures(key);
        } finally {
            lock.unlock();
        }
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
            Delayed pending = delayed.remove(key);
            if (pending != null) {
                pending.future().cancel(false);
            }
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
            if (dirty.remove(key) && !shutDown) {
                enqueue(key);
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
            delayed.values().forEach(d -> d.future().cancel(false));
            delayed.clear();
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
