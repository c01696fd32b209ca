package io.infrakit.plugins.rpc;

import io.infrakit.plugins.http.GuardedServer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves instance, flavor and group plugins over InfraKit's wire protocol (JSON-RPC 2.0 over HTTP/1.1) on a Unix
 * socket, so that InfraKit's own group plugin and CLI, or a {@link RemoteInstancePlugin}, can use them. The socket
 * is created with mode 0600 (its directory 0700 when created), a stale socket left by a crash is replaced, and a
 * {@code NAME.pid} file is written beside it; {@link #close} removes both. HTTP is Jetty's
 * ({@link GuardedServer}): no thread per connection, idle connections make room for new callers.
 *
 * <pre>{@code
 * try (PluginServer server = PluginServer.builder().instance(new FileInstancePlugin(dir))
 *         .start(Path.of(home, ".infrakit/plugins/instance-file"))) { ... }
 * }</pre>
 */
public final class PluginServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PluginServer.class);

    private final GuardedServer server;
    private final PluginAddress address;
    private final Path socket;
    private final Object socketKey;
    private final Path pidFile;
    private final Object pidKey;
    private final Path listenFile;
    private final Object listenKey;
    private final List<InterfaceSpec> interfaces;
    private final AtomicBoolean closed = new AtomicBoolean();

    PluginServer(GuardedServer server, PluginAddress address, Path socket, Path pidFile, Path listenFile,
                 List<InterfaceSpec> interfaces) {
        this.server = server;
        this.address = address;
        this.socket = socket;
        this.socketKey = socket == null ? null : SocketFiles.fileKey(socket);
        this.pidFile = pidFile;
        this.pidKey = pidFile == null ? null : SocketFiles.fileKey(pidFile);
        this.listenFile = listenFile;
        this.listenKey = listenFile == null ? null : SocketFiles.fileKey(listenFile);
        this.interfaces = List.copyOf(interfaces);
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

    /** Connections open now (idle or serving). */
    public int openConnections() {
        return server.guard().openConnections();
    }

    /**
     * Stops accepting, lets requests in progress finish (up to the shutdown grace), then closes every connection and
     * removes the socket, pid and listen files (unless a successor has replaced them).
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            server.close();
        } finally {
            SocketFiles.deleteIfSame(socket, socketKey);
            SocketFiles.deleteIfSame(pidFile, pidKey);
            SocketFiles.deleteIfSame(listenFile, listenKey);
        }
        LOG.info("stopped serving at {}", address);
    }

    @Override
    public String toString() {
        return "PluginServer" + interfaces + "@" + address;
    }
}
