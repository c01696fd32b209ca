package io.infrakit.plugins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infrakit.plugins.docker.DockerInstancePlugin;
import io.infrakit.plugins.file.FileInstancePlugin;
import io.infrakit.plugins.maas.MaasInstancePlugin;
import io.infrakit.plugins.memory.InMemoryInstancePlugin;
import io.infrakit.plugins.qemu.QemuInstancePlugin;
import io.infrakit.plugins.spi.FlavorPlugin;
import io.infrakit.plugins.spi.InstancePlugin;
import io.infrakit.plugins.spi.PluginException;
import io.infrakit.plugins.spi.PluginName;
import io.infrakit.plugins.vanilla.VanillaFlavorPlugin;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginRegistryTest {

    @TempDir
    Path dir;

    @Test
    void builtinsAnswerToBothNamesInfraKitUsersWrite() {
        PluginRegistry registry = PluginRegistry.builtins(dir);

        InstancePlugin file = registry.instance(PluginName.parse("instance-file"));
        FlavorPlugin vanilla = registry.flavor(PluginName.parse("flavor-vanilla"));

        assertThat(file).isInstanceOf(FileInstancePlugin.class).isSameAs(registry.instance(PluginName.parse("file")));
        assertThat(((FileInstancePlugin) file).directory()).isEqualTo(dir.toAbsolutePath());
        assertThat(vanilla).isInstanceOf(VanillaFlavorPlugin.class).isSameAs(registry.flavor(PluginName.parse("vanilla")));
        assertThat(registry.instanceNames()).containsExactly("file", "instance-file");
        assertThat(registry.flavorNames()).containsExactly("flavor-vanilla", "vanilla");
    }

    @Test
    void theQemuPluginIsAddedUnderBothNames() {
        PluginRegistry registry = PluginRegistry.builtins(dir.resolve("files")).withQemu(dir.resolve("vms"));

        InstancePlugin qemu = registry.instance(PluginName.parse("instance-qemu"));
        assertThat(qemu).isInstanceOf(QemuInstancePlugin.class).isSameAs(registry.instance(PluginName.parse("qemu")));
        assertThat(((QemuInstancePlugin) qemu).directory()).isEqualTo(dir.resolve("vms").toAbsolutePath());
        registry.close();
    }

    @Test
    void theMaasPluginWithoutSettingsIsAnErrorThatSaysWhichAreMissing() {
        PluginRegistry registry = PluginRegistry.builtins(dir.resolve("files"))
                .withMaas(new MaasInstancePlugin.MaasSettings(null, null, null));

        assertThat(registry.instanceNames()).contains("instance-maas", "maas");
        assertThatThrownBy(() -> registry.instance(PluginName.parse("maas"))).isInstanceOf(PluginException.class)
                .hasMessageContaining("--maas-url URL --maas-api-key-file FILE");
    }

    @Test
    void unknownNamesSayWhichNamesExist() {
        PluginRegistry registry = PluginRegistry.builtins(dir);

        assertThatThrownBy(() -> registry.instance(PluginName.parse("instance-aws")))
                .isInstanceOfSatisfying(PluginNotFoundException.class, e -> {
                    assertThat(e.kind()).isEqualTo("instance");
                    assertThat(e.name()).isEqualTo("instance-aws");
                    assertThat(e.known()).containsExactly("file", "instance-file");
                })
                .hasMessage("instance plugin 'instance-aws' not found (known instance plugins: file, instance-file)");
        // A flavor name is not an instance plugin, and the other way round.
        assertThatThrownBy(() -> registry.instance(PluginName.parse("vanilla"))).isInstanceOf(PluginNotFoundException.class);
        assertThatThrownBy(() -> registry.flavor(PluginName.parse("file")))
                .isInstanceOf(PluginNotFoundException.class)
                .hasMessage("flavor plugin 'file' not found (known flavor plugins: flavor-vanilla, vanilla)");
    }

    @Test
    void builtinsHaveNoSubTypes() {
        PluginRegistry registry = PluginRegistry.builtins(dir);

        assertThatThrownBy(() -> registry.instance(PluginName.parse("file/json")))
                .isExactlyInstanceOf(PluginException.class).hasMessage("no-plugin:json");
        assertThatThrownBy(() -> registry.flavor(PluginName.parse("flavor-vanilla/manager")))
                .isExactlyInstanceOf(PluginException.class).hasMessage("no-plugin:manager");
        assertThat(registry.flavor(PluginName.parse("vanilla/"))).isInstanceOf(VanillaFlavorPlugin.class);
    }

    @Test
    void registeredPluginsAreMadeOnceOnFirstUse() {
        AtomicInteger made = new AtomicInteger();
        PluginRegistry registry = new PluginRegistry().registerInstance("instance-memory", () -> {
            made.incrementAndGet();
            return new InMemoryInstancePlugin();
        }, "memory");

        assertThat(made).hasValue(0);
        InstancePlugin first = registry.instance(PluginName.parse("memory"));
        assertThat(registry.instance(PluginName.parse("instance-memory"))).isSameAs(first);
        assertThat(made).hasValue(1);
    }

    @Test
    void namesAreUniqueAndWellFormed() {
        PluginRegistry registry = PluginRegistry.builtins(dir);

        assertThatThrownBy(() -> registry.registerInstance("x", new InMemoryInstancePlugin(), "file"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("plugin name already registered: file");
        assertThat(registry.instanceNames()).doesNotContain("x"); // nothing half-registered
        assertThatThrownBy(() -> registry.registerFlavor("/b", new VanillaFlavorPlugin()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> registry.registerFlavor(" ", new VanillaFlavorPlugin()))
                .isInstanceOf(IllegalArgumentException.class);
        // The same name may be an instance plugin and a flavor.
        registry.registerFlavor("file", new VanillaFlavorPlugin());
        assertThat(registry.flavor(PluginName.parse("file"))).isInstanceOf(VanillaFlavorPlugin.class);
    }

    @Test
    void orElseTriesTheNextLookupForUnknownNamesOnly() {
        InMemoryInstancePlugin memory = new InMemoryInstancePlugin();
        PluginLookup lookup = PluginRegistry.builtins(dir)
                .orElse(new PluginRegistry().registerInstance("instance-remote", memory));

        assertThat(lookup.instance(PluginName.parse("instance-remote"))).isSameAs(memory);
        assertThat(lookup.instance(PluginName.parse("file"))).isInstanceOf(FileInstancePlugin.class);
        assertThatThrownBy(() -> lookup.instance(PluginName.parse("file/typed"))).hasMessage("no-plugin:typed");
        assertThatThrownBy(() -> lookup.instance(PluginName.parse("nope")))
                .isInstanceOf(PluginNotFoundException.class)
                .hasMessage("instance plugin 'nope' not found (known instance plugins: file, instance-file, instance-remote)");
        assertThatThrownBy(() -> lookup.flavor(PluginName.parse("nope")))
                .hasMessage("flavor plugin 'nope' not found (known flavor plugins: flavor-vanilla, vanilla)");
    }

    @Test
    void typedPluginsAreRegisteredUnderTheirFullName() {
        VanillaFlavorPlugin manager = new VanillaFlavorPlugin();
        VanillaFlavorPlugin worker = new VanillaFlavorPlugin();
        PluginRegistry registry = new PluginRegistry()
                .registerFlavor("flavor-swarm/manager", manager, "swarm/manager")
                .registerFlavor("flavor-swarm/worker", worker);

        assertThat(registry.flavor(PluginName.parse("flavor-swarm/manager"))).isSameAs(manager);
        assertThat(registry.flavor(PluginName.parse("swarm/manager"))).isSameAs(manager);
        assertThat(registry.flavor(PluginName.parse("flavor-swarm/worker"))).isSameAs(worker);
        assertThatThrownBy(() -> registry.flavor(PluginName.parse("flavor-swarm/other")))
                .isExactlyInstanceOf(PluginException.class).hasMessage("no-plugin:other");
        assertThatThrownBy(() -> registry.flavor(PluginName.parse("flavor-swarm")))
                .isExactlyInstanceOf(PluginException.class).hasMessage("no-plugin:");
        assertThatThrownBy(() -> registry.flavor(PluginName.parse("flavor-other/worker")))
                .isInstanceOf(PluginNotFoundException.class);
        assertThatThrownBy(() -> registry.registerFlavor("a/b/c", manager))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> registry.registerFlavor("a/", manager))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theDockerPluginIsConnectedOnFirstUseAndClosedWithTheRegistry() {
        PluginRegistry registry = PluginRegistry.builtins(dir, dir.resolve("p"), "unix:///nonexistent/docker.sock");
        assertThat(registry.instanceNames()).contains("docker", "instance-docker");
        // Making the plugin does not need the engine; using it does.
        assertThat(registry.instance(PluginName.parse("docker"))).isInstanceOf(DockerInstancePlugin.class);
        assertThatThrownBy(() -> registry.instance(PluginName.parse("docker")).describeInstances(java.util.Map.of(),
                false)).isInstanceOf(RuntimeException.class);
        registry.close();
    }
}
