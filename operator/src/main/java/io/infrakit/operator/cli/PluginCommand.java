package io.infrakit.operator.cli;

import io.infrakit.plugins.PluginRegistry;
import io.infrakit.plugins.discovery.DiscoveredPlugin;
import io.infrakit.plugins.discovery.LocalPluginDirectory;
import io.infrakit.plugins.rpc.InterfaceSpec;
import io.infrakit.plugins.rpc.PluginServer;
import io.infrakit.plugins.rpc.PluginServerBuilder;
import io.infrakit.plugins.spi.PluginName;
import io.infrakit.plugins.vanilla.VanillaFlavorPlugin;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code infrakit plugin start|ls|stop|info}: built-in plugins on sockets for InfraKit's tools, and what runs. */
@Command(name = "plugin", description = "Serve built-in plugins on sockets, list the plugins found, stop them, "
        + "show what one implements.",
        subcommands = {PluginCommand.Start.class, PluginCommand.Ls.class, PluginCommand.Stop.class,
                PluginInfoCommand.class})
public final class PluginCommand {

    /**
     * A plugin built into this program: {@code infrakit up} uses it by name without a socket; {@code plugin start}
     * serves the {@code servable} ones on a socket for InfraKit's own tools.
     */
    record BuiltinPlugin(String name, String alias, String kind, boolean servable) {
    }

    static final List<BuiltinPlugin> BUILTINS = List.of(
            new BuiltinPlugin(PluginRegistry.FILE, PluginRegistry.FILE_ALIAS, "Instance", true),
            new BuiltinPlugin(PluginRegistry.PROCESS, PluginRegistry.PROCESS_ALIAS, "Instance", false),
            new BuiltinPlugin(PluginRegistry.DOCKER, PluginRegistry.DOCKER_ALIAS, "Instance", false),
            new BuiltinPlugin(PluginRegistry.QEMU, PluginRegistry.QEMU_ALIAS, "Instance", true),
            new BuiltinPlugin(PluginRegistry.MAAS, PluginRegistry.MAAS_ALIAS, "Instance", true),
            new BuiltinPlugin(PluginRegistry.TERRAFORM, PluginRegistry.TERRAFORM_ALIAS, "Instance", true),
            new BuiltinPlugin(PluginRegistry.VAGRANT, PluginRegistry.VAGRANT_ALIAS, "Instance", true),
            new BuiltinPlugin(PluginRegistry.VANILLA, PluginRegistry.VANILLA_ALIAS, "Flavor", true),
            new BuiltinPlugin(PluginRegistry.ZOOKEEPER, PluginRegistry.ZOOKEEPER_ALIAS, "Flavor", false),
            new BuiltinPlugin(PluginRegistry.SWARM, PluginRegistry.SWARM_ALIAS, "Flavor", false));

    /** The names {@code plugin start} takes, for completion. */
    static final class Builtins implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return BUILTINS.stream().filter(BuiltinPlugin::servable).map(BuiltinPlugin::alias).iterator();
        }
    }

    /** A built-in plugin {@code plugin start} serves, under InfraKit's socket name for it. */
    private record Builtin(String socket, boolean instance) {
    }

    private static Optional<Builtin> builtin(String name) {
        return switch (name) {
            case PluginRegistry.FILE, PluginRegistry.FILE_ALIAS -> Optional.of(new Builtin(PluginRegistry.FILE, true));
            case PluginRegistry.QEMU, PluginRegistry.QEMU_ALIAS -> Optional.of(new Builtin(PluginRegistry.QEMU, true));
            case PluginRegistry.MAAS, PluginRegistry.MAAS_ALIAS -> Optional.of(new Builtin(PluginRegistry.MAAS, true));
            case PluginRegistry.VANILLA, PluginRegistry.VANILLA_ALIAS ->
                    Optional.of(new Builtin(PluginRegistry.VANILLA, false));
            case PluginRegistry.TERRAFORM, PluginRegistry.TERRAFORM_ALIAS ->
                    Optional.of(new Builtin(PluginRegistry.TERRAFORM, true));
            case PluginRegistry.VAGRANT, PluginRegistry.VAGRANT_ALIAS ->
                    Optional.of(new Builtin(PluginRegistry.VAGRANT, true));
            default -> Optional.empty();
        };
    }

    @Command(name = "start", description = "Serve built-in plugins, one socket each in the plugin directory (with "
            + "a NAME.pid file), until SIGTERM or Ctrl-C; the sockets and pid files are removed on exit.")
    static final class Start implements Callable<Integer> {
        @Mixin
        PluginOptions pluginOptions;

        @Parameters(paramLabel = "PLUGIN", arity = "1..*", completionCandidates = Builtins.class,
                description = "instance-file (or file), instance-qemu (or qemu), instance-maas (or maas), "
                        + "instance-terraform (or terraform), instance-vagrant (or vagrant), flavor-vanilla (or "
                        + "vanilla).")
        List<String> names;

        @Option(names = "--name", paramLabel = "SOCKET",
                description = "The socket's name, for a single plugin (default: InfraKit's, instance-file or "
                        + "flavor-vanilla).")
        String socketName;

        @Option(names = "--instance-version", defaultValue = "0.5.0", paramLabel = "VERSION",
                description = "Instance version to advertise: 0.5.0 (InfraKit v0.5, linuxkit; default), 0.6.0 or "
                        + "0.6.1 (InfraKit's last). Go clients accept only their own.")
        String instanceVersion;

        @Option(names = "--flavor-version", defaultValue = "0.1.0", paramLabel = "VERSION",
                description = "Flavor version to advertise: 0.1.0 (default) or 0.1.1 (InfraKit's last).")
        String flavorVersion;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws InterruptedException {
            if (socketName != null && names.size() != 1) {
                throw new ParameterException(spec.commandLine(), "--name goes with a single plugin");
            }
            List<Builtin> plugins = new ArrayList<>();
            Set<String> sockets = new HashSet<>();
            for (String name : names) {
                Builtin b = builtin(name).orElseThrow(() -> new ParameterException(spec.commandLine(),
                        "no built-in plugin '" + name + "': known are instance-file (file), instance-qemu (qemu), "
                                + "instance-maas (maas), instance-terraform (terraform), instance-vagrant (vagrant), "
                                + "flavor-vanilla (vanilla)"));
                if (!sockets.add(b.socket())) {
                    throw new ParameterException(spec.commandLine(), b.socket() + " named twice");
                }
                plugins.add(b);
            }
            try {
                PluginServer.builder().instanceVersion(instanceVersion).flavorVersion(flavorVersion);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            Optional<LocalPluginDirectory> trusted = pluginOptions.trustedPluginDirectory();
            if (trusted.isEmpty()) {
                return 1;
            }
            Path dir = trusted.get().directory();
            PluginRegistry registry = pluginOptions.builtins();
            List<PluginServer> servers = new ArrayList<>();
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                synchronized (servers) {
                    servers.forEach(PluginServer::close); // removes each socket and pid file
                }
                registry.close();
                stopped.countDown();
            }, "infrakit-plugin-shutdown"));
            for (Builtin b : plugins) {
                Path socket = dir.resolve(socketName != null ? socketName : b.socket());
                try {
                    PluginServer server = builder(b, registry).start(socket);
                    synchronized (servers) {
                        servers.add(server);
                    }
                    System.out.println("serving " + b.socket() + " (" + server.interfaces().stream()
                            .map(InterfaceSpec::encode).toList() + ") at " + socket);
                } catch (IOException | RuntimeException e) {
                    System.err.println("error: cannot serve " + b.socket() + " at " + socket + ": " + e.getMessage());
                    return 1; // the hook closes what was started
                }
            }
            stopped.await();
            return 0;
        }

        private PluginServerBuilder builder(Builtin b, PluginRegistry registry) {
            PluginServerBuilder builder = PluginServer.builder().instanceVersion(instanceVersion)
                    .flavorVersion(flavorVersion);
            builder.vendor("infrakit-java-" + b.socket(), VersionCommand.version(), "");
            return b.instance() ? builder.instance(registry.instance(PluginName.parse(b.socket())))
                    : builder.flavor(new VanillaFlavorPlugin());
        }
    }

    @Command(name = "ls", description = "List the plugins: those built into infrakit (marked built in: infrakit up "
            + "uses them by name, no socket needed) and those in the plugin directory, with the interfaces each "
            + "implements (asked by handshake).")
    static final class Ls implements Callable<Integer> {
        @Mixin
        PluginOptions pluginOptions;
        @Mixin
        OutputOptions output;

        @Option(names = {"-q", "--quiet"}, description = "Only the names.")
        boolean quiet;

        @Option(names = "--timeout", defaultValue = "2s", converter = DurationConverter.class,
                paramLabel = "DURATION", description = "How long each plugin may take to answer (default ${DEFAULT-VALUE}).")
        Duration timeout;

        @Override
        public Integer call() {
            LocalPluginDirectory dir = pluginOptions.pluginDirectory();
            Map<String, DiscoveredPlugin> found = dir.describeAll(timeout);
            if (output.json()) {
                List<Map<String, Object>> out = new ArrayList<>();
                for (BuiltinPlugin b : BUILTINS) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("Name", b.name());
                    m.put("BuiltIn", true);
                    m.put("Alias", b.alias());
                    m.put("Interfaces", List.of(b.kind()));
                    out.add(m);
                }
                found.values().forEach(p -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("Name", p.endpoint().name());
                    m.put("BuiltIn", false);
                    m.put("Protocol", p.endpoint().protocol());
                    m.put("Address", p.endpoint().address());
                    m.put("Interfaces", p.interfaces().stream().map(InterfaceSpec::encode).toList());
                    m.put("Error", p.error());
                    out.add(m);
                });
                System.out.println(OutputOptions.toJson(out));
                return 0;
            }
            if (quiet) {
                BUILTINS.forEach(b -> System.out.println(b.name()));
                found.keySet().forEach(System.out::println);
                return 0;
            }
            System.out.printf("%-18s %-50s %s%n", "INTERFACE", "LISTEN", "NAME");
            for (BuiltinPlugin b : BUILTINS) {
                System.out.printf("%-18s %-50s %s%n", b.kind(), "(built in)", b.name() + " (" + b.alias() + ")");
            }
            for (DiscoveredPlugin p : found.values()) {
                if (!p.reachable()) {
                    System.out.printf("%-18s %-50s %s%n", "-", p.endpoint().address(), p.endpoint().name());
                    System.err.println("warning: " + p.endpoint().name() + ": " + p.error());
                }
                for (InterfaceSpec i : p.interfaces()) {
                    System.out.printf("%-18s %-50s %s%n", i.encode(), p.endpoint().address(), p.endpoint().name());
                }
            }
            return 0;
        }
    }

    @Command(name = "stop", description = "Stop the process serving each named plugin (SIGTERM to the pid in its "
            + "NAME.pid file, as InfraKit does); a process serving several sockets stops them all.")
    static final class Stop implements Callable<Integer> {
        @Mixin
        PluginOptions pluginOptions;

        @Parameters(paramLabel = "NAME", arity = "1..*", description = "Socket names in the plugin directory.",
                completionCandidates = Completions.Plugins.class)
        List<String> names;

        @Option(names = "--timeout", defaultValue = "15s", converter = DurationConverter.class,
                paramLabel = "DURATION", description = "How long to wait for each to exit (default ${DEFAULT-VALUE}).")
        Duration timeout;

        @Override
        public Integer call() throws InterruptedException {
            // A pid file in a directory others can write could name any process of ours.
            Optional<LocalPluginDirectory> trusted = pluginOptions.trustedPluginDirectory();
            if (trusted.isEmpty()) {
                return 1;
            }
            Path dir = trusted.get().directory();
            int rc = 0;
            for (String name : names) {
                rc = Math.max(rc, stop(dir, name));
            }
            return rc;
        }

        private int stop(Path dir, String name) throws InterruptedException {
            Path socket = dir.resolve(name);
            Path pidFile = dir.resolve(name + ".pid");
            long pid;
            if (!Files.exists(pidFile) && !Files.exists(socket, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                System.err.println("error: no plugin '" + name + "' in " + dir + " (no socket or pid file of that "
                        + "name; infrakit plugin ls lists them)");
                return 1;
            }
            try {
                pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.UTF_8).trim());
            } catch (IOException | NumberFormatException e) {
                System.err.println("error: " + name + ": no readable pid file " + pidFile + " (" + e.getMessage() + ")");
                return 1;
            }
            Optional<ProcessHandle> process = ProcessHandle.of(pid);
            // A pid file whose socket nobody answers on is stale: its pid may belong to another process by now.
            if (process.isEmpty() || !listening(socket)) {
                deleteQuietly(socket);
                deleteQuietly(pidFile);
                System.out.println(name + " was not running; removed its stale socket and pid file");
                return 0;
            }
            process.get().destroy();
            try {
                process.get().onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                System.err.println("error: " + name + " (pid " + pid + ") did not stop within " + timeout.toSeconds()
                        + "s");
                return 1;
            } catch (ExecutionException e) {
                throw new IllegalStateException(e);
            }
            System.out.println("stopped " + name + " (pid " + pid + ")");
            return 0;
        }

        private static boolean listening(Path socket) {
            try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                probe.connect(UnixDomainSocketAddress.of(socket));
                return true;
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }

        private static void deleteQuietly(Path file) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                System.err.println("warning: cannot remove " + file + ": " + e.getMessage());
            }
        }
    }
}
