package io.infrakit.plugins.rpc;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves instance, flavor and group plugins over InfraKit's wire protocol (JSON-RPC 2.0 over HTTP/1.1) on a Unix
 * socket, so that InfraKit's own group plugin and CLI, or a {@link RemoteInstancePlugin}, can use them. The socket
 * is created with mode 0600 (its directory 0700 when created), a stale socket left by a crash is replaced, and a
 * {@code NAME.pid} file is written beside it; {@link #close} removes both. Threads are daemons, one per open
 * connection plus the acceptor, all ended by {@link #close}.
 *
 * <pre>{@code
 * try (PluginServer server = PluginServer.builder().instance(new FileInstancePlugin(dir))
 *         .start(Path.of(home, ".infrakit/plugins/instance-file"))) { ... }
 * }</pre>
 */
public final class PluginServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PluginServer.class);
    private static final AtomicInteger SERVERS = new AtomicInteger();

    private final ServerSocketChannel listener;
    private final PluginAddress address;
    private final Path socket;
    private final Object socketKey;
    private final Path pidFile;
    private final Object pidKey;
    private final Path listenFile;
    private final Object listenKey;
    private final List<InterfaceSpec> interfaces;
    private final PluginRoutes routes;
    private final ServerConnection.Limits limits;
    private final Duration shutdownGrace;
    private final ThreadPoolExecutor workers;
    private final Thread acceptor;
    private final Set<ServerConnection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();

    /** How the server treats its clients; see {@link PluginServerBuilder}. */
    record Settings(ApiInfo.Vendor vendor, int maxConnections, Duration idleTimeout, Duration requestTimeout,
                    Duration shutdownGrace, long maxBodyBytes) {
    }

    PluginServer(Settings b, ServerSocketChannel listener, PluginAddress address, Path socket, Path pidFile,
                 Path listenFile, List<RpcService<?>> services) {
        this.listener = listener;
        this.address = address;
        this.socket = socket;
        this.socketKey = socket == null ? null : SocketFiles.fileKey(socket);
        this.pidFile = pidFile;
        this.pidKey = pidFile == null ? null : SocketFiles.fileKey(pidFile);
        this.listenFile = listenFile;
        this.listenKey = listenFile == null ? null : SocketFiles.fileKey(listenFile);
        this.interfaces = services.stream().map(RpcService::spec).toList();
        RpcDispatcher dispatcher = new RpcDispatcher();
        services.forEach(s -> s.register(dispatcher));
        new HandshakeService(services).register(dispatcher);
        this.routes = new PluginRoutes(dispatcher, ApiInfo.document(b.vendor(), services));
        this.limits = new ServerConnection.Limits(b.idleTimeout().toNanos(), b.requestTimeout().toNanos(),
                b.requestTimeout().toNanos(), b.maxBodyBytes());
        this.shutdownGrace = b.shutdownGrace();
        String name = "infrakit-rpc-" + SERVERS.incrementAndGet();
        AtomicInteger workerCount = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(0, b.maxConnections(), 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                r -> daemon(r, name + "-conn-" + workerCount.incrementAndGet()));
        this.acceptor = daemon(this::acceptLoop, name + "-accept");
        acceptor.start();
        LOG.info("serving {} at {}", interfaces.stream().map(InterfaceSpec::encode).toList(), address);
    }

    public static PluginServerBuilder builder() {
        return new PluginServerBuilder();
    }

    /** Where clients connect: the socket, or the TCP address. */
    public PluginAddress address() {
        return address;
    }

    /** The interfaces this server advertises in its handshake, in order. */
    public List<InterfaceSpec> interfaces() {
        return interfaces;
    }

    /** The pid file beside the socket, or null for a TCP server. */
    public Path pidFile() {
        return pidFile;
    }

    /**
     * Stops accepting, closes idle connections, lets requests in progress finish (up to the shutdown grace), then
     * closes what is left and removes the socket, pid and listen files (unless a successor has replaced them).
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            listener.close();
        } catch (IOException e) {
            LOG.debug("closing the listener: {}", e.toString());
        }
        boolean interrupted = false;
        try {
            acceptor.join(TimeUnit.SECONDS.toMillis(5));
            connections.forEach(ServerConnection::closeWhenIdle);
            workers.shutdown();
            if (!workers.awaitTermination(shutdownGrace.toNanos(), TimeUnit.NANOSECONDS)) {
                LOG.warn("requests still running at {} after {}; closing their connections", address, shutdownGrace);
            }
        } catch (InterruptedException e) {
            interrupted = true;
        } finally {
            connections.forEach(ServerConnection::closeNow);
            workers.shutdownNow();
            SocketFiles.deleteIfSame(socket, socketKey);
            SocketFiles.deleteIfSame(pidFile, pidKey);
            SocketFiles.deleteIfSame(listenFile, listenKey);
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        LOG.info("stopped serving at {}", address);
    }

    private void acceptLoop() {
        while (!closed.get()) {
            SocketChannel channel;
            try {
                channel = listener.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (closed.get()) {
                    return;
                }
                LOG.warn("accepting a connection at {} failed: {}", address, e.toString());
                pause(); // out of file descriptors, say: do not spin
                continue;
            }
            serve(channel);
        }
    }

    private void serve(SocketChannel channel) {
        ServerConnection connection;
        try {
            connection = new ServerConnection(new ChannelIo(channel), routes, limits, this::forget);
        } catch (IOException e) {
            LOG.warn("cannot set up a connection: {}", e.toString());
            return;
        }
        connections.add(connection);
        try {
            workers.execute(connection);
        } catch (RejectedExecutionException e) {
            connections.remove(connection);
            if (!closed.get()) {
                LOG.warn("refusing a connection at {}: {} connections open already", address,
                        workers.getMaximumPoolSize());
                busy(channel);
            }
            connection.closeNow();
            return;
        }
        if (closed.get()) {
            connection.closeWhenIdle();
        }
    }

    private void forget(ServerConnection connection) {
        connections.remove(connection);
    }

    /** A best-effort 503 to a client that cannot be served now. */
    private static void busy(SocketChannel channel) {
        byte[] answer = HttpMessages.encodeResponse(PluginRoutes.text(503, "too many connections\n"), false, true);
        try {
            channel.write(ByteBuffer.wrap(answer));
        } catch (IOException e) {
            // the client is gone; nothing to tell
        }
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public String toString() {
        return "PluginServer" + interfaces + "@" + address;
    }
}
