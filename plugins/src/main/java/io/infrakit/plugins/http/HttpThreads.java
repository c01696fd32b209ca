package io.infrakit.plugins.http;

import java.time.Duration;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Thread pools for Jetty servers and clients, sized small on purpose. Jetty needs no thread per connection (one
 * selector thread watches them all), only one per request being handled, so a handful serves a plugin socket, a
 * health endpoint or a webhook; the operator targets about 100 MB on a 2-core host, where more threads would only
 * queue for the CPU and cost stacks. Threads that have been idle for {@link #IDLE} end, down to one; none is kept in
 * reserve (Jetty's default keeps some per core, idle); all are daemons, so none keeps a command-line tool alive.
 */
public final class HttpThreads {

    /** How long an unused thread lives. */
    public static final Duration IDLE = Duration.ofSeconds(30);
    /** The default ceiling: the selector, plus requests served at once; more wait in the pool's queue. */
    public static final int DEFAULT_MAX = 8;

    private HttpThreads() {
    }

    /**
     * A pool named {@code name} (threads {@code name-N}); give it to several servers to share it (it is then started
     * by its first server, and stopped by none of them: stop it after the last).
     */
    public static QueuedThreadPool pool(String name, int maxThreads) {
        if (maxThreads < 3) {
            throw new IllegalArgumentException("a Jetty pool needs at least 3 threads: selector, request, spare");
        }
        QueuedThreadPool pool = new QueuedThreadPool(maxThreads, 1, (int) IDLE.toMillis());
        pool.setName(name);
        pool.setDaemon(true);
        pool.setReservedThreads(0);
        // A handler stuck in a plugin call must not hold up a stop: after the server's own grace, interrupt it.
        pool.setStopTimeout(200);
        return pool;
    }
}
