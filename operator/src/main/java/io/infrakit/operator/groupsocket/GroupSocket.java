package io.infrakit.operator.groupsocket;

import io.infrakit.plugins.rpc.PluginAddress;
import io.infrakit.plugins.rpc.PluginServer;
import io.infrakit.plugins.rpc.PluginServerBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import org.eclipse.jetty.util.thread.ThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The group socket of one replica: {@link EtcdGroupPlugin} served as InfraKit's {@code Group/0.1.0} and
 * {@code Manager/0.1.0}, so InfraKit's CLI ({@code infrakit group commit|describe|ls}) drives this operator.
 *
 * <p>It is named {@code group} in the plugin directory by default, InfraKit's name for the group plugin. When a live
 * socket already has the name (another replica on this host), this one serves at {@code <name>-<replica id>} and
 * says so in a warning: every replica can take commits, whichever one answers. When that name is served too (a
 * replica of the same ID on this host), the replica runs without a group socket, with a warning: the socket is an
 * entrance, and converging does not depend on it. A socket given as a path is used as it is, or not at all.
 */
public final class GroupSocket implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GroupSocket.class);

    /** InfraKit's default name for the group plugin's socket. */
    public static final String DEFAULT_NAME = "group";

    private final PluginServer server;

    private GroupSocket(PluginServer server) {
        this.server = server;
    }

    /**
     * @param pluginDir the plugin directory, where a bare name goes
     * @param where     a socket name, or a path (anything with a '/')
     * @param replicaId this replica's ID, for the fallback name
     * @return the socket; empty when both the name and its fallback are served by other processes
     * @throws IOException when the socket cannot be created (a path that is taken, too long, not writable, ...)
     */
    public static Optional<GroupSocket> start(Path pluginDir, String where, String replicaId, EtcdGroupPlugin plugin)
            throws IOException {
        return start(pluginDir, where, replicaId, plugin, null);
    }

    /**
     * As {@link #start(Path, String, String, EtcdGroupPlugin)}, served by a thread pool shared with the process's
     * other HTTP servers (null: its own).
     */
    public static Optional<GroupSocket> start(Path pluginDir, String where, String replicaId, EtcdGroupPlugin plugin,
                                              ThreadPool threads) throws IOException {
        Objects.requireNonNull(plugin, "plugin");
        boolean isPath = where.indexOf('/') >= 0;
        Path socket = isPath ? Path.of(where) : pluginDir.resolve(where);
        try {
            return Optional.of(new GroupSocket(serve(socket, plugin, threads)));
        } catch (IOException e) {
            if (isPath || !taken(e)) {
                throw e;
            }
        }
        Path fallback = pluginDir.resolve(where + "-" + safe(replicaId));
        try {
            GroupSocket s = new GroupSocket(serve(fallback, plugin, threads));
            log.warn("{} is served by another process (another replica on this host?); serving the group socket at "
                    + "{} instead", socket, fallback);
            return Optional.of(s);
        } catch (IOException e) {
            if (!taken(e)) {
                throw e;
            }
            log.warn("{} and {} are served by other processes (replicas with the same ID on this host?); running "
                    + "without a group socket", socket, fallback);
            return Optional.empty();
        }
    }

    /** PluginServerBuilder's answer for a socket someone listens on. */
    private static boolean taken(IOException e) {
        return String.valueOf(e.getMessage()).startsWith("another plugin is listening");
    }

    private static PluginServer serve(Path socket, EtcdGroupPlugin plugin, ThreadPool threads) throws IOException {
        PluginServerBuilder b = PluginServer.builder().group(plugin).manager(plugin);
        return (threads == null ? b : b.threads(threads)).start(socket);
    }

    /** A replica ID as a file name: letters, digits, '.', '_' and '-' kept, anything else a '-'. */
    static String safe(String id) {
        String s = id.replaceAll("[^A-Za-z0-9._-]", "-");
        return s.isEmpty() || s.startsWith(".") ? "r" + s : s;
    }

    /** The socket's path. */
    public Path path() {
        return ((PluginAddress.Unix) server.address()).path();
    }

    /** Stops serving and removes the socket and its pid file. */
    @Override
    public void close() {
        server.close();
    }

    @Override
    public String toString() {
        return "GroupSocket[" + path() + "]";
    }
}
