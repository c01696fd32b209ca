package io.infrakit.store.election;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import io.infrakit.store.StoreException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The one thread an election runs on: tasks in order, delayed tasks, and waiting calls from other threads. */
final class ElectionThread {

    private static final ThreadFactory THREADS = new ThreadFactoryBuilder().setNameFormat("infrakit-election-%d")
            .setDaemon(true).build();
    private static final long CALL_WAIT_SECONDS = 30;

    private final ScheduledThreadPoolExecutor executor;
    private volatile Thread thread;

    ElectionThread() {
        executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = THREADS.newThread(r);
            thread = t;
            return t;
        });
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        executor.setRemoveOnCancelPolicy(true);
    }

    boolean isCurrent() {
        return Thread.currentThread() == thread;
    }

    /** Runs the task later on this thread; ignored once shut down. */
    void submit(Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            // shut down
        }
    }

    /** Runs the task after a delay; null once shut down. */
    ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
        try {
            return executor.schedule(task, delay, unit);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    /** Runs the task on this thread and waits for it (inline when called from this thread). */
    void call(Runnable task, String what) {
        if (isCurrent()) {
            task.run();
            return;
        }
        Future<?> done;
        try {
            done = executor.submit(task);
        } catch (RejectedExecutionException e) {
            return; // shut down: nothing left to do
        }
        try {
            done.get(CALL_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new StoreException(what + " failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new StoreException(what + " did not finish in " + CALL_WAIT_SECONDS + "s");
        }
    }

    /** Stops after the queued tasks, and waits for that unless called from this thread. */
    void shutdown() {
        executor.shutdown();
        if (!isCurrent()) {
            try {
                executor.awaitTermination(CALL_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
