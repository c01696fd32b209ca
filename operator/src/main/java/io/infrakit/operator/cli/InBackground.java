package io.infrakit.operator.cli;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * One part of a start run on a thread of its own while the caller goes on with another: on a machine with two cores
 * or more, loading and initialising two libraries at once takes about as long as the slower of them.
 *
 * @param <T> what the part makes
 */
final class InBackground<T> {

    private final FutureTask<T> task;

    private InBackground(Callable<T> work) {
        this.task = new FutureTask<>(work);
    }

    static <T> InBackground<T> start(String name, Callable<T> work) {
        InBackground<T> part = new InBackground<>(work);
        Thread t = new Thread(part.task, name);
        t.setDaemon(true);
        t.start();
        return part;
    }

    /** Waits for the part; what it threw is thrown here as it was thrown there. */
    T get() throws Exception {
        try {
            return task.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception thrown) {
                throw thrown;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }
}
