package io.infrakit.plugins;

import io.infrakit.plugins.access.BuiltinCatalog;
import io.infrakit.plugins.access.HostAccess;
import io.infrakit.plugins.access.HostGuard;
import io.infrakit.plugins.docker.DockerInstancePlugin;
import io.infrakit.plugins.file.FileInstancePlugin;
import io.infrakit.plugins.maas.MaasInstancePlugin;
import io.infrakit.plugins.process.ProcessInstancePlugin;
import io.infrakit.plugins.qemu.QemuInstancePlugin;
import io.infrakit.plugins.spi.FlavorPlugin;
import io.infrakit.plugins.spi.InstancePlugin;
import io.infrakit.plugins.spi.PluginException;
import io.infrakit.plugins.spi.PluginName;
import io.infrakit.plugins.swarm.SwarmFlavorPlugin;
import io.infrakit.plugins.swarm.SwarmRole;
import io.infrakit.plugins.terraform.TerraformInstancePlugin;
import io.infrakit.plugins.vagrant.VagrantInstancePlugin;
import io.infrakit.plugins.vagrant.VagrantSettings;
import io.infrakit.plugins.vanilla.VanillaFlavorPlugin;
import io.infrakit.plugins.zookeeper.ZooKeeperFlavorPlugin;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

/**
 * Plugins that live in this process, by name. Each is made on first use and then shared (a file plugin per
 * directory, not per group). A typed plugin is registered under its full name ({@code "flavor-swarm/manager"}); an
 * unknown type fails with {@code "no-plugin:<type>"}, the error InfraKit's typed plugins give.
 *
 * <p>Each built-in says what its properties ask of the host ({@link HostAccess}), for the admission policy, which
 * asks before any plugin is made; those that reach out on a spec's behalf ask the registry's {@link HostGuard}.
 */
public final class PluginRegistry implements PluginLookup, BuiltinCatalog, AutoCloseable {

    /** InfraKit's name for the file instance plugin; {@link #FILE_ALIAS} is accepted too. */
    public static final String FILE = "instance-file";
    public static final String FILE_ALIAS = "file";
    /** InfraKit's name for the vanilla flavor; {@link #VANILLA_ALIAS} is accepted too. */
    public static final String VANILLA = "flavor-vanilla";
    public static final String VANILLA_ALIAS = "vanilla";
    /** The process instance plugin (each instance an OS process); {@link #PROCESS_ALIAS} is accepted too. */
    public static final String PROCESS = "instance-process";
    public static final String PROCESS_ALIAS = "process";
    /** The Docker instance plugin (each instance a container); {@link #DOCKER_ALIAS} is accepted too. */
    public static final String DOCKER = "instance-docker";
    public static final String DOCKER_ALIAS = "docker";
    /** InfraKit's name for the ZooKeeper flavor; {@link #ZOOKEEPER_ALIAS} is accepted too. */
    public static final String ZOOKEEPER = "flavor-zookeeper";
    public static final String ZOOKEEPER_ALIAS = "zookeeper";
    /** InfraKit's name for the Swarm flavor, typed {@code /manager} or {@code /worker}; {@code swarm} works too. */
    public static final String SWARM = "flavor-swarm";
    public static final String SWARM_ALIAS = "swarm";
    /** The QEMU instance plugin (each instance a virtual machine); {@link #QEMU_ALIAS} is accepted too. */
    public static final String QEMU = "instance-qemu";
    public static final String QEMU_ALIAS = "qemu";
    /** InfraKit's name for the MAAS instance plugin (machines of a MAAS server); {@link #MAAS_ALIAS} works too. */
    public static final String MAAS = "instance-maas";
    public static final String MAAS_ALIAS = "maas";
    /** InfraKit's name for the terraform instance plugin (OpenTofu or Terraform); {@code terraform} works too. */
    public static final String TERRAFORM = "instance-terraform";
    public static final String TERRAFORM_ALIAS = "terraform";
    /** InfraKit's name for the vagrant instance plugin; {@code vagrant} works too. */
    public static final String VAGRANT = "instance-vagrant";
    public static final String VAGRANT_ALIAS = "vagrant";

    private final Map<String, Shared<InstancePlugin>> instances = new ConcurrentHashMap<>();
    private final Map<String, Shared<FlavorPlugin>> flavors = new ConcurrentHashMap<>();
    private volatile HostGuard guard = HostGuard.NONE;
    /** What the plugins made here ask before they reach out: whatever guard is set now. */
    private final HostGuard currentGuard = request -> guard.check(request);

    /** An empty registry. */
    public PluginRegistry() {
    }

    /** The built-ins: the file instance plugin on {@code fileInstanceDir}, and the vanilla flavor. */
    public static PluginRegistry builtins(Path fileInstanceDir) {
        Objects.requireNonNull(fileInstanceDir, "fileInstanceDir");
        PluginRegistry r = new PluginRegistry();
        return r.registerInstance(FILE, () -> new FileInstancePlugin(fileInstanceDir), HostAccess.NONE, FILE_ALIAS)
                .registerFlavor(VANILLA, () -> new VanillaFlavorPlugin(r.currentGuard), VanillaFlavorPlugin.HOST_ACCESS,
                        VANILLA_ALIAS);
    }

    /**
     * Every built-in: those of {@link #builtins(Path)}, the process instance plugin keeping its state files and logs
     * in {@code processStateDir} (created on first use; {@link ProcessInstancePlugin#defaultDirectory()} for the
     * operator), and the ZooKeeper and Swarm flavors.
     */
    public static PluginRegistry builtins(Path fileInstanceDir, Path processStateDir) {
        Objects.requireNonNull(processStateDir, "processStateDir");
        PluginRegistry r = builtins(fileInstanceDir);
        return r.registerInstance(PROCESS, () -> new ProcessInstancePlugin(processStateDir),
                        ProcessInstancePlugin.HOST_ACCESS, PROCESS_ALIAS)
                .registerFlavor(ZOOKEEPER, ZooKeeperFlavorPlugin::new, ZooKeeperFlavorPlugin.HOST_ACCESS,
                        ZOOKEEPER_ALIAS)
                .registerFlavor(SWARM + "/manager", () -> new SwarmFlavorPlugin(SwarmRole.MANAGER)
                        .guardedBy(r.currentGuard), SwarmFlavorPlugin.HOST_ACCESS, SWARM_ALIAS + "/manager")
                .registerFlavor(SWARM + "/worker", () -> new SwarmFlavorPlugin(SwarmRole.WORKER)
                        .guardedBy(r.currentGuard), SwarmFlavorPlugin.HOST_ACCESS, SWARM_ALIAS + "/worker");
    }

    /**
     * Every built-in of {@link #builtins(Path, Path)}, and the Docker instance plugin on the engine at
     * {@code dockerHost} (connected on first use).
     */
    public static PluginRegistry builtins(Path fileInstanceDir, Path processStateDir, String dockerHost) {
        Objects.requireNonNull(dockerHost, "dockerHost");
        return builtins(fileInstanceDir, processStateDir)
                .registerInstance(DOCKER, () -> DockerInstancePlugin.connect(dockerHost),
                        DockerInstancePlugin.HOST_ACCESS, DOCKER_ALIAS);
    }

    /** Adds the QEMU instance plugin, keeping its VMs' state and pets' disks in {@code stateDir}. */
    public PluginRegistry withQemu(Path stateDir) {
        Objects.requireNonNull(stateDir, "stateDir");
        return registerInstance(QEMU, () -> new QemuInstancePlugin(stateDir), QemuInstancePlugin.HOST_ACCESS,
                QEMU_ALIAS);
    }

    /**
     * Adds the MAAS instance plugin. It connects on first use, so a registry without MAAS settings still starts; a
     * group naming the plugin then gets an error that says which settings are missing.
     */
    public PluginRegistry withMaas(MaasInstancePlugin.MaasSettings settings) {
        Objects.requireNonNull(settings, "settings");
        // The MAAS server is the operator's setting; a spec's properties go to it only, never to this host.
        return registerInstance(MAAS, () -> MaasInstancePlugin.connect(settings), HostAccess.NONE, MAAS_ALIAS);
    }

    /** Adds the terraform instance plugin on {@code dir}, running {@code binary} (made on first use). */
    public PluginRegistry withTerraform(Path dir, String binary) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(binary, "binary");
        return registerInstance(TERRAFORM, () -> new TerraformInstancePlugin(dir, binary), TERRAFORM_ALIAS);
    }

    /** Adds the vagrant instance plugin (made on first use). */
    public PluginRegistry withVagrant(VagrantSettings settings) {
        Objects.requireNonNull(settings, "settings");
        return registerInstance(VAGRANT, () -> new VagrantInstancePlugin(settings), VAGRANT_ALIAS);
    }

    /**
     * @throws IllegalArgumentException when a name is blank, has more than one '/', or is taken
     */
    public PluginRegistry registerInstance(String name, Supplier<? extends InstancePlugin> factory, String... aliases) {
        register(instances, new Shared<>(factory, null), name, aliases);
        return this;
    }

    /** A built-in that says what its properties ask of the host, for the admission policy. */
    public PluginRegistry registerInstance(String name, Supplier<? extends InstancePlugin> factory, HostAccess access,
                                           String... aliases) {
        register(instances, new Shared<>(factory, Objects.requireNonNull(access, "access")), name, aliases);
        return this;
    }

    public PluginRegistry registerInstance(String name, InstancePlugin plugin, String... aliases) {
        Objects.requireNonNull(plugin, "plugin");
        return registerInstance(name, () -> plugin, aliases);
    }

    /**
     * @throws IllegalArgumentException when a name is blank, has more than one '/', or is taken
     */
    public PluginRegistry registerFlavor(String name, Supplier<? extends FlavorPlugin> factory, String... aliases) {
        register(flavors, new Shared<>(factory, null), name, aliases);
        return this;
    }

    /** A built-in that says what its properties ask of the host, for the admission policy. */
    public PluginRegistry registerFlavor(String name, Supplier<? extends FlavorPlugin> factory, HostAccess access,
                                         String... aliases) {
        register(flavors, new Shared<>(factory, Objects.requireNonNull(access, "access")), name, aliases);
        return this;
    }

    /**
     * Sets what the built-ins ask just before they reach out on a spec's behalf (a URL, a Docker engine), also
     * those made already.
     */
    public PluginRegistry guardedBy(HostGuard guard) {
        this.guard = Objects.requireNonNull(guard, "guard");
        return this;
    }

    public PluginRegistry registerFlavor(String name, FlavorPlugin plugin, String... aliases) {
        Objects.requireNonNull(plugin, "plugin");
        return registerFlavor(name, () -> plugin, aliases);
    }

    @Override
    public InstancePlugin instance(PluginName name) {
        return find(instances, "instance", name);
    }

    @Override
    public FlavorPlugin flavor(PluginName name) {
        return find(flavors, "flavor", name);
    }

    @Override
    public Optional<Builtin> builtinInstance(PluginName name) {
        return described(instances, name);
    }

    @Override
    public Optional<Builtin> builtinFlavor(PluginName name) {
        return described(flavors, name);
    }

    /** Every instance plugin name and alias, sorted. */
    public Set<String> instanceNames() {
        return new TreeSet<>(instances.keySet());
    }

    /** Every flavor plugin name and alias, sorted. */
    public Set<String> flavorNames() {
        return new TreeSet<>(flavors.keySet());
    }

    /** Closes every plugin made so far that holds resources (event streams, watchers, clients). */
    @Override
    public void close() {
        Set<Object> made = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        instances.values().stream().map(Shared::made).filter(Objects::nonNull).forEach(made::add);
        flavors.values().stream().map(Shared::made).filter(Objects::nonNull).forEach(made::add);
        for (Object plugin : made) {
            if (plugin instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    LoggerFactory.getLogger(PluginRegistry.class).warn("closing plugin {} failed", plugin, e);
                }
            }
        }
    }

    private static <T> void register(Map<String, Shared<T>> map, Shared<T> shared, String name, String... aliases) {
        checkName(name);
        for (String alias : aliases) {
            checkName(alias);
        }
        synchronized (map) {
            for (String n : concat(name, aliases)) {
                if (map.containsKey(n)) {
                    throw new IllegalArgumentException("plugin name already registered: " + n);
                }
            }
            for (String n : concat(name, aliases)) {
                map.put(n, shared);
            }
        }
    }

    private static String[] concat(String name, String[] aliases) {
        String[] all = new String[aliases.length + 1];
        all[0] = name;
        System.arraycopy(aliases, 0, all, 1, aliases.length);
        return all;
    }

    private static void checkName(String name) {
        boolean valid = name != null && !name.isBlank();
        if (valid && name.indexOf('/') >= 0) {
            PluginName parsed = PluginName.parse(name);
            valid = !parsed.lookup().isBlank() && !parsed.type().isBlank() && parsed.type().indexOf('/') < 0;
        }
        if (!valid) {
            throw new IllegalArgumentException("a plugin name must be non-blank, with at most one '/': " + name);
        }
    }

    /** The entry {@link #find} would use and all its names, without making the plugin; empty when none. */
    private static <T> Optional<Builtin> described(Map<String, Shared<T>> map, PluginName name) {
        Shared<T> shared = name.type().isEmpty() ? map.get(name.lookup()) : map.get(name.lookup() + "/" + name.type());
        if (shared == null) {
            return Optional.empty();
        }
        Set<String> names = new TreeSet<>();
        map.forEach((n, s) -> {
            if (s == shared) {
                names.add(n);
            }
        });
        return Optional.of(new Builtin(names, Optional.ofNullable(shared.access)));
    }

    private static <T> T find(Map<String, Shared<T>> map, String kind, PluginName name) {
        Objects.requireNonNull(name, "name");
        if (!name.type().isEmpty()) {
            Shared<T> typed = map.get(name.lookup() + "/" + name.type());
            if (typed != null) {
                return typed.get();
            }
        }
        String prefix = name.lookup() + "/";
        boolean known = map.containsKey(name.lookup()) || map.keySet().stream().anyMatch(k -> k.startsWith(prefix));
        if (!known) {
            throw new PluginNotFoundException(kind, name.lookup(), map.keySet());
        }
        if (!name.type().isEmpty() || !map.containsKey(name.lookup())) {
            throw new PluginException("no-plugin:" + name.type());
        }
        return map.get(name.lookup()).get();
    }

    /** Makes the plugin once, on first use; a failed attempt is retried on the next. */
    private static final class Shared<T> {
        private final Supplier<? extends T> factory;
        private final HostAccess access;
        private volatile T value;

        /** @param access null when the plugin does not say what its properties ask of the host */
        Shared(Supplier<? extends T> factory, HostAccess access) {
            this.factory = Objects.requireNonNull(factory, "factory");
            this.access = access;
        }

        /** The plugin if it was made, else null. */
        T made() {
            return value;
        }

        T get() {
            T v = value;
            if (v == null) {
                synchronized (this) {
                    v = value;
                    if (v == null) {
                        v = Objects.requireNonNull(factory.get(), "plugin factory returned null");
                        value = v;
                    }
                }
            }
            return v;
        }
    }
}
