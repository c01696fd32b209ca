package io.infrakit.operator.controller;

import java.time.Duration;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The plugin-call threads (a cached pool) that know how many calls are under way. A thread idle for longer than a
 * resync interval ends: the burst of a large scale-up leaves dozens behind, each holding its stack, while the steady
 * state needs a few.
 */
final class PluginCallPool extends ThreadPoolExecutor {
    private final Object lock = new Object();
    private int inFlight; // submitted and not yet finished; guarded by lock

    PluginCallPool(ThreadFactory threads, Duration keepAlive) {
        super(0, Integer.MAX_VALUE, keepAlive.toMillis(), TimeUnit.MILLISECONDS, new SynchronousQueue<>(), threads);
    }

    @Override
    public void execute(Runnable task) {
        synchronized (lock) {
            inFlight++;
        }
        try {
            super.execute(task);
        } catch (RuntimeException e) {
            finished();
            throw e;
        }
    }

    @Override
    protected void afterExecute(Runnable task, Throwable error) {
        finished();
    }

    private void finished() {
        synchronized (lock) {
            inFlight--;
            lock.notifyAll();
        }
    }

    /** Waits until no call is under way, at most {@code timeoutNanos}; returns how many still are. */
    int awaitIdle(long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        synchronized (lock) {
            long left;
            while (inFlight > 0 && (left = deadline - System.nanoTime()) > 0) {
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            return inFlight;
        }
    }
}
