package io.infrakit.plugins.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.IdleTimeout;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps idle and slow clients from locking a server's real callers out. Jetty gives no thread to a connection that
 * is not being served; what this adds:
 * <ul>
 *   <li>at most {@code maxConnections} open: when one more opens, the connection that has been idle the longest and
 *   is not serving a request is closed to make room, so a crowd of idle connections never keeps a real call out; only
 *   when every open connection is serving a request is the newcomer answered 503;</li>
 *   <li>a client must send its request head within {@code requestTimeout} of the first byte: one that sends it byte
 *   by byte, or stops halfway, is disconnected (the body's deadline is the handler's, see {@link RequestBodies});</li>
 *   <li>what it closes is logged once a minute at most, with counts, whatever the rate of the attack.</li>
 * </ul>
 * Install with {@link HttpServers}: it wraps the server's handler (to know which connections are serving a request)
 * and listens to its connector (to see connections open and close).
 */
public final class ConnectionGuard extends Handler.Wrapper {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);
    private static final Duration WARN_INTERVAL = Duration.ofMinutes(1);
    private static final byte[] BUSY = ("HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
            + "Content-Length: 21\r\nConnection: close\r\n\r\ntoo many connections\n").getBytes(StandardCharsets.US_ASCII);

    private final int maxConnections;
    private final long requestTimeoutNanos;
    private final Map<Connection, Progress> open = new ConcurrentHashMap<>();
    private final ThrottledWarning evicted;
    private final ThrottledWarning refused;
    private final ThrottledWarning slow;
    private final Connection.Listener listener = new Connection.Listener() {
        @Override
        public void onOpened(Connection connection) {
            opened(connection);
        }

        @Override
        public void onClosed(Connection connection) {
            open.remove(connection);
        }
    };
    private volatile Scheduler.Task sweep;

    /**
     * @param where what the log lines name (the server's address)
     */
    public ConnectionGuard(String where, int maxConnections, Duration requestTimeout) {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be positive");
        }
        this.maxConnections = maxConnections;
        this.requestTimeoutNanos = requestTimeout.toNanos();
        this.evicted = new ThrottledWarning(LOG, WARN_INTERVAL, n -> "closed " + n + " idle connection(s) at " + where
                + " to make room for new ones (" + maxConnections + " open at most)");
        this.refused = new ThrottledWarning(LOG, WARN_INTERVAL, n -> "refused " + n + " connection(s) at " + where
                + " with 503: all " + maxConnections + " open connections are serving requests");
        this.slow = new ThrottledWarning(LOG, WARN_INTERVAL, n -> "closed " + n + " connection(s) at " + where
                + " that took longer than " + requestTimeout.toMillis() + " ms to send a request");
    }

    /** What the connector must be told about (see {@link HttpServers}). */
    Connection.Listener listener() {
        return listener;
    }

    /** Connections open now. */
    public int openConnections() {
        return open.size();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Progress progress = open.get(request.getConnectionMetaData().getConnection());
        if (progress != null) {
            if (progress.refused) {
                request.getConnectionMetaData().getConnection().getEndPoint().close();
                callback.succeeded();
                return true;
            }
            progress.busy.incrementAndGet();
            Request.addCompletionListener(request, failure -> progress.busy.decrementAndGet());
        }
        return super.handle(request, response, callback);
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        long period = Math.max(TimeUnit.MILLISECONDS.toNanos(50), Math.min(TimeUnit.SECONDS.toNanos(1),
                requestTimeoutNanos / 4));
        scheduleSweep(getServer().getScheduler(), period);
    }

    @Override
    protected void doStop() throws Exception {
        Scheduler.Task task = sweep;
        if (task != null) {
            task.cancel();
        }
        super.doStop();
    }

    private void scheduleSweep(Scheduler scheduler, long periodNanos) {
        sweep = scheduler.schedule(() -> {
            if (isRunning()) {
                sweep();
                scheduleSweep(scheduler, periodNanos);
            }
        }, periodNanos, TimeUnit.NANOSECONDS);
    }

    private synchronized void opened(Connection connection) {
        Progress mine = new Progress(connection);
        open.put(connection, mine);
        if (open.size() <= maxConnections) {
            return;
        }
        Connection victim = null;
        long longest = -1;
        for (Map.Entry<Connection, Progress> e : open.entrySet()) {
            Progress p = e.getValue();
            if (p == mine || p.busy.get() > 0 || p.refused) {
                continue;
            }
            long idle = idleFor(e.getKey().getEndPoint());
            if (idle > longest) {
                longest = idle;
                victim = e.getKey();
            }
        }
        if (victim != null) {
            open.remove(victim);
            victim.getEndPoint().close();
            evicted.record();
            return;
        }
        mine.refused = true;
        refused.record();
        EndPoint endPoint = connection.getEndPoint();
        endPoint.write(Callback.from(endPoint::close, failure -> endPoint.close()), ByteBuffer.wrap(BUSY));
    }

    /** Closes the connections that have been sending one request head for too long. */
    private void sweep() {
        long now = System.nanoTime();
        for (Map.Entry<Connection, Progress> e : open.entrySet()) {
            Connection c = e.getKey();
            Progress p = e.getValue();
            long messages = c.getMessagesIn();
            long bytes = c.getBytesIn();
            if (p.busy.get() > 0 || messages != p.messages) {
                p.messages = messages; // a request arrived: whatever comes next starts afresh
                p.bytes = bytes;
                p.since = 0;
            } else if (bytes != p.bytes) {
                p.bytes = bytes; // part of a head arrived since the last sweep
                if (p.since == 0) {
                    p.since = now;
                }
            }
            if (p.since != 0 && now - p.since > requestTimeoutNanos) {
                open.remove(c);
                c.getEndPoint().close();
                slow.record();
            }
        }
        evicted.flush();
        refused.flush();
        slow.flush();
    }

    private static long idleFor(EndPoint endPoint) {
        return endPoint instanceof IdleTimeout t ? t.getIdleFor() : 0;
    }

    /** What the sweep knows of one connection; only the sweep's thread touches the plain fields. */
    private static final class Progress {
        final AtomicInteger busy = new AtomicInteger();
        volatile boolean refused;
        long messages;
        long bytes;
        long since;

        Progress(Connection connection) {
            this.messages = connection.getMessagesIn();
            this.bytes = connection.getBytesIn();
        }
    }
}
