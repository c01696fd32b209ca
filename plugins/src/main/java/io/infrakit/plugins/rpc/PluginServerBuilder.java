package io.infrakit.plugins.rpc;

import io.infrakit.plugins.spi.FlavorPlugin;
import io.infrakit.plugins.spi.GroupPlugin;
import io.infrakit.plugins.spi.InstancePlugin;
import io.infrakit.plugins.spi.ManagerPlugin;
import io.infrakit.plugins.http.GuardedServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.util.thread.ThreadPool;

/**
 * What a {@link PluginServer} serves and how: a default and/or typed instance and flavor plugins, a group plugin
 * and a manager, the interface versions to advertise, timeouts and limits.
 */
public final class PluginServerBuilder {

    private static final Set<String> INSTANCE_VERSIONS = Set.of("0.5.0", "0.6.0", "0.6.1");
    private static final Set<String> FLAVOR_VERSIONS = Set.of("0.1.0", "0.1.1");
    private static final AtomicInteger SERVERS = new AtomicInteger();
    /**
     * A server's own pool: threads come only for requests being served (a plugin call may take seconds, and the
     * controller makes up to 16 at once per group), and go after 30 s idle, down to the selector alone.
     */
    private static final int MAX_THREADS = 32;

    private InstancePlugin instance;
    private final Map<String, InstancePlugin> typedInstances = new TreeMap<>();
    private FlavorPlugin flavor;
    private final Map<String, FlavorPlugin> typedFlavors = new TreeMap<>();
    private GroupPlugin group;
    private ManagerPlugin manager;
    private String instanceVersion = InterfaceSpec.INSTANCE_0_5_0.version();
    private String flavorVersion = InterfaceSpec.FLAVOR_0_1_0.version();
    private ApiInfo.Vendor vendor;
    private int maxConnections = 64;
    private Duration idleTimeout = Duration.ofMinutes(2);
    private Duration requestTimeout = Duration.ofSeconds(30);
    private Duration shutdownGrace = Duration.ofSeconds(10);
    private int maxBodyBytes = 4 << 20;
    private ThreadPool threads;

    PluginServerBuilder() {
    }

    /** The instance plugin answering requests with an empty {@code Type}. */
    public PluginServerBuilder instance(InstancePlugin plugin) {
        this.instance = Objects.requireNonNull(plugin, "plugin");
        return this;
    }

    /** An instance plugin answering requests whose {@code Type} is {@code type} (name {@code socket/type}). */
    public PluginServerBuilder instance(String type, InstancePlugin plugin) {
        typedInstances.put(checkType(type), Objects.requireNonNull(plugin, "plugin"));
        return this;
    }

    public PluginServerBuilder flavor(FlavorPlugin plugin) {
        this.flavor = Objects.requireNonNull(plugin, "plugin");
        return this;
    }

    public PluginServerBuilder flavor(String type, FlavorPlugin plugin) {
        typedFlavors.put(checkType(type), Objects.requireNonNull(plugin, "plugin"));
        return this;
    }

    /** The group plugin ({@code Group/0.1.0}; InfraKit's group requests name no type). */
    public PluginServerBuilder group(GroupPlugin plugin) {
        this.group = Objects.requireNonNull(plugin, "plugin");
        return this;
    }

    /** Answers {@code Manager.IsLeader} ({@code Manager/0.1.0}), as InfraKit's manager does beside its group. */
    public PluginServerBuilder manager(ManagerPlugin plugin) {
        this.manager = Objects.requireNonNull(plugin, "plugin");
        return this;
    }

    /**
     * The Instance version to advertise: {@code 0.5.0} (default: InfraKit v0.5, linuxkit), {@code 0.6.0} or
     * {@code 0.6.1} (InfraKit's last; Destroy carries a context). Go clients accept only an exact match.
     */
    public PluginServerBuilder instanceVersion(String version) {
        this.instanceVersion = checkVersion(version, INSTANCE_VERSIONS, "Instance");
        return this;
    }

    /** The Flavor version to advertise: {@code 0.1.0} (default) or {@code 0.1.1}. */
    public PluginServerBuilder flavorVersion(String version) {
        this.flavorVersion = checkVersion(version, FLAVOR_VERSIONS, "Flavor");
        return this;
    }

    /** Advertise InfraKit's last versions: Instance 0.6.1 and Flavor 0.1.1. */
    public PluginServerBuilder latestVersions() {
        return instanceVersion("0.6.1").flavorVersion("0.1.1");
    }

    /** Shown as {@code Vendor} in {@code /info/api.json}. */
    public PluginServerBuilder vendor(String name, String version, String url) {
        this.vendor = new ApiInfo.Vendor(name, version, url);
        return this;
    }

    /**
     * Connections open at once (default 64). One more closes the connection idle the longest to make room; only
     * when all are serving requests is the newcomer answered 503.
     */
    public PluginServerBuilder maxConnections(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("maxConnections must be positive");
        }
        this.maxConnections = max;
        return this;
    }

    /** How long a kept-alive connection may sit unused (default 2 minutes). */
    public PluginServerBuilder idleTimeout(Duration timeout) {
        this.idleTimeout = positive(timeout, "idleTimeout");
        return this;
    }

    /** How long a client may take to send a request, head and body (default 30 s). */
    public PluginServerBuilder requestTimeout(Duration timeout) {
        this.requestTimeout = positive(timeout, "requestTimeout");
        return this;
    }

    /** How long {@link PluginServer#close} waits for requests in progress (default 10 s, as InfraKit). */
    public PluginServerBuilder shutdownGrace(Duration grace) {
        this.shutdownGrace = Objects.requireNonNull(grace, "grace");
        return this;
    }

    /**
     * Serve with this pool, shared with other servers of the process (its owner stops it after them); by default
     * each server has its own small pool, ended by {@link PluginServer#close}.
     */
    public PluginServerBuilder threads(ThreadPool pool) {
        this.threads = Objects.requireNonNull(pool, "pool");
        return this;
    }

    /**
     * Binds the Unix socket and starts serving.
     *
     * @throws IOException when the socket cannot be created, or another plugin listens there already
     */
    public PluginServer start(Path socket) throws IOException {
        List<RpcService<?>> services = services();
        Path path = socket.toAbsolutePath();
        Path bound = SocketFiles.prepare(path);
        GuardedServer server = server(services).unix(bound).describedAs("unix://" + path).start();
        Path pid = path.resolveSibling(path.getFileName() + ".pid");
        try {
            SocketFiles.publish(bound, path);
            SocketFiles.writeAtomically(pid, Long.toString(ProcessHandle.current().pid()), "rw-------");
            return new PluginServer(server, new PluginAddress.Unix(path), path, pid, null, specs(services));
        } catch (IOException | RuntimeException e) {
            Object socketKey = SocketFiles.fileKey(path);
            server.close();
            Files.deleteIfExists(bound);
            SocketFiles.deleteIfSame(path, socketKey);
            SocketFiles.deleteIfSame(pid, SocketFiles.fileKey(pid));
            throw e;
        }
    }

    /**
     * Listens on TCP instead, as InfraKit's {@code --listen} plugins do, and advertises the address in
     * {@code listenFile} ({@code tcp://host:port}) when it is not null.
     */
    public PluginServer startTcp(InetSocketAddress bind, Path listenFile) throws IOException {
        List<RpcService<?>> services = services();
        GuardedServer server = server(services).tcp(bind).start();
        try {
            String host = bind.getAddress() == null || bind.getAddress().isAnyLocalAddress()
                    ? "localhost" : bind.getAddress().getHostAddress();
            PluginAddress.Tcp address = new PluginAddress.Tcp(host, server.port());
            Path listen = listenFile == null ? null : listenFile.toAbsolutePath();
            if (listen != null) {
                SocketFiles.createPrivateDirectory(listen.getParent());
                SocketFiles.writeAtomically(listen, address.toString(), "rw-r--r--");
            }
            return new PluginServer(server, address, null, null, listen, specs(services));
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    private GuardedServer.Builder server(List<RpcService<?>> services) {
        RpcDispatcher dispatcher = new RpcDispatcher();
        services.forEach(s -> s.register(dispatcher));
        new HandshakeService(services).register(dispatcher);
        PluginRoutes routes = new PluginRoutes(dispatcher, ApiInfo.document(vendor, services), maxBodyBytes,
                requestTimeout);
        String name = "infrakit-rpc-" + SERVERS.incrementAndGet();
        return GuardedServer.builder(name).handler(routes).threads(threads).maxThreads(MAX_THREADS)
                .maxConnections(maxConnections).idleTimeout(idleTimeout).requestTimeout(requestTimeout)
                .stopTimeout(shutdownGrace);
    }

    private static List<InterfaceSpec> specs(List<RpcService<?>> services) {
        return services.stream().map(RpcService::spec).toList();
    }

    private List<RpcService<?>> services() {
        List<RpcService<?>> services = new ArrayList<>();
        if (instance != null || !typedInstances.isEmpty()) {
            services.add(new InstanceService(new InterfaceSpec("Instance", instanceVersion), instance,
                    new LinkedHashMap<>(typedInstances)));
        }
        if (flavor != null || !typedFlavors.isEmpty()) {
            services.add(new FlavorService(new InterfaceSpec("Flavor", flavorVersion), flavor,
                    new LinkedHashMap<>(typedFlavors)));
        }
        if (group != null) {
            services.add(new GroupService(group));
        }
        if (manager != null) {
            services.add(new ManagerService(manager));
        }
        if (services.isEmpty()) {
            throw new IllegalStateException("nothing to serve: add an instance, flavor or group plugin");
        }
        return services;
    }

    private static String checkType(String type) {
        if (type == null || type.isEmpty() || type.equals(".") || type.contains("/")) {
            throw new IllegalArgumentException("a plugin type must be non-empty, not '.', without '/': " + type);
        }
        return type;
    }

    private static String checkVersion(String version, Set<String> known, String name) {
        if (!known.contains(version)) {
            throw new IllegalArgumentException(name + " version " + version + " is not one this server speaks: "
                    + new TreeSet<>(known));
        }
        return version;
    }

    private static Duration positive(Duration d, String what) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive");
        }
        return d;
    }
}
