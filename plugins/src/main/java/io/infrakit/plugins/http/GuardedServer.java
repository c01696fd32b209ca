package io.infrakit.plugins.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.eclipse.jetty.util.thread.ThreadPool;

/**
 * A Jetty server with this project's settings, on one TCP address or Unix socket: a small thread pool, a
 * {@link ConnectionGuard}, idle and request timeouts, a graceful stop that lets requests in progress finish, plain
 * text error answers, no {@code Server} header.
 *
 * <pre>{@code
 * try (GuardedServer s = GuardedServer.builder("infrakit-http").tcp(address).handler(h).start()) { ... }
 * }</pre>
 */
public final class GuardedServer implements AutoCloseable {

    /** Connections the kernel holds while the selector is busy: a burst waits here instead of being refused. */
    private static final int ACCEPT_QUEUE = 512;

    private final Server server;
    private final AbstractConnector connector;
    private final ConnectionGuard guard;

    private GuardedServer(Server server, AbstractConnector connector, ConnectionGuard guard) {
        this.server = server;
        this.connector = connector;
        this.guard = guard;
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** The bound TCP port (the real one when bound to port 0); -1 on a Unix socket. */
    public int port() {
        return connector instanceof ServerConnector c ? c.getLocalPort() : -1;
    }

    public ConnectionGuard guard() {
        return guard;
    }

    /**
     * Stops accepting, lets requests in progress finish within the stop timeout, then closes every connection and,
     * when the pool is the server's own, its threads.
     */
    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            org.slf4j.LoggerFactory.getLogger(GuardedServer.class).warn("stopping {}: {}", connector, e.toString());
        }
    }

    /** Where, with which limits and handler. */
    public static final class Builder {
        private final String name;
        private InetSocketAddress tcp;
        private Path unix;
        private ThreadPool threads;
        private int maxThreads = HttpThreads.DEFAULT_MAX;
        private Handler handler;
        private int maxConnections = 64;
        private Duration idleTimeout = Duration.ofMinutes(2);
        private Duration requestTimeout = Duration.ofSeconds(30);
        private Duration stopTimeout = Duration.ofSeconds(10);
        private String where;

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        public Builder tcp(InetSocketAddress address) {
            this.tcp = Objects.requireNonNull(address, "address");
            return this;
        }

        /** Binds the socket at this path (the caller sees to permissions and renames, see PluginServer). */
        public Builder unix(Path path) {
            this.unix = Objects.requireNonNull(path, "path");
            return this;
        }

        /** How log lines name the server (default: its address). */
        public Builder describedAs(String where) {
            this.where = where;
            return this;
        }

        /** A pool shared with other servers (null: the server's own, see {@link #maxThreads}). */
        public Builder threads(ThreadPool pool) {
            this.threads = pool;
            return this;
        }

        /** The size of the server's own pool (default {@link HttpThreads#DEFAULT_MAX}), when none is shared. */
        public Builder maxThreads(int max) {
            this.maxThreads = max;
            return this;
        }

        public Builder handler(Handler handler) {
            this.handler = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /** Connections open at once before idle ones are closed to make room (see {@link ConnectionGuard}). */
        public Builder maxConnections(int max) {
            this.maxConnections = max;
            return this;
        }

        /** How long a connection may carry nothing (between requests, or a client that stopped reading). */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = positive(timeout, "idleTimeout");
            return this;
        }

        /** How long a client may take to send a request head (bodies: see {@link RequestBodies}). */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = positive(timeout, "requestTimeout");
            return this;
        }

        /** How long a stop waits for requests in progress. */
        public Builder stopTimeout(Duration timeout) {
            this.stopTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * @throws IOException when the address cannot be bound
         */
        public GuardedServer start() throws IOException {
            if ((tcp == null) == (unix == null) || handler == null) {
                throw new IllegalStateException("give one address (tcp or unix) and a handler");
            }
            ThreadPool pool = threads != null ? threads : HttpThreads.pool(name, maxThreads);
            Server server = new Server(pool, new ScheduledExecutorScheduler(name + "-timer", true), null);
            HttpConfiguration config = new HttpConfiguration();
            config.setSendServerVersion(false);
            config.setRequestHeaderSize(16 * 1024);
            HttpConnectionFactory http = new HttpConnectionFactory(config);
            // No acceptor thread: the selector accepts too (one thread for the whole connector).
            AbstractConnector connector;
            if (tcp != null) {
                ServerConnector c = new ServerConnector(server, 0, 1, http);
                c.setHost(tcp.getHostString());
                c.setPort(tcp.getPort());
                c.setAcceptQueueSize(ACCEPT_QUEUE);
                connector = c;
            } else {
                UnixDomainServerConnector c = new UnixDomainServerConnector(server, 0, 1, http);
                c.setUnixDomainPath(unix);
                c.setAcceptQueueSize(ACCEPT_QUEUE);
                connector = c;
            }
            connector.setIdleTimeout(idleTimeout.toMillis());
            connector.setShutdownIdleTimeout(100); // at stop, idle connections go at once (busy ones finish first)
            String described = where != null ? where : tcp != null ? tcp.toString() : "unix://" + unix;
            ConnectionGuard guard = new ConnectionGuard(described, maxConnections, requestTimeout);
            connector.addBean(guard.listener());
            server.addConnector(connector);
            guard.setHandler(new GracefulHandler(handler));
            server.setHandler(guard);
            server.setErrorHandler(new PlainErrors());
            server.setStopTimeout(stopTimeout.toMillis());
            try {
                server.start();
            } catch (Exception e) {
                try {
                    server.stop();
                } catch (Exception ignored) {
                    // the start failure is what matters
                }
                if (threads == null && pool instanceof QueuedThreadPool q) {
                    stopQuietly(q);
                }
                if (e instanceof IOException io) {
                    throw io;
                }
                throw new IOException("cannot start the HTTP server at " + described + ": " + e.getMessage(), e);
            }
            return new GuardedServer(server, connector, guard);
        }

        private static void stopQuietly(QueuedThreadPool pool) {
            try {
                pool.stop();
            } catch (Exception ignored) {
                // nothing more to release
            }
        }

        private static Duration positive(Duration d, String what) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive");
            }
            return d;
        }
    }
}
