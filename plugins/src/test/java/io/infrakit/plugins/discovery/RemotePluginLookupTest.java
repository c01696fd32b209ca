package io.infrakit.plugins.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infrakit.plugins.PluginLookup;
import io.infrakit.plugins.PluginNotFoundException;
import io.infrakit.plugins.PluginRegistry;
import io.infrakit.plugins.file.FileInstancePlugin;
import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.memory.InMemoryInstancePlugin;
import io.infrakit.plugins.rpc.InterfaceSpec;
import io.infrakit.plugins.rpc.PluginServer;
import io.infrakit.plugins.rpc.RemoteFlavorPlugin;
import io.infrakit.plugins.rpc.RemoteInstancePlugin;
import io.infrakit.plugins.spi.Allocation;
import io.infrakit.plugins.spi.InstancePlugin;
import io.infrakit.plugins.spi.InstanceSpec;
import io.infrakit.plugins.spi.PluginName;
import io.infrakit.plugins.vanilla.VanillaFlavorPlugin;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RemotePluginLookupTest {

    @TempDir
    Path tmp;

    private LocalPluginDirectory directory() {
        return new LocalPluginDirectory(tmp.resolve("plugins"));
    }

    @Test
    void pluginsInTheDirectoryAreUsableByName() throws Exception {
        LocalPluginDirectory dir = directory();
        RemotePluginLookup lookup = new RemotePluginLookup(dir, Duration.ofSeconds(5));
        try (PluginServer file = PluginServer.builder().instance(new FileInstancePlugin(tmp.resolve("instances")))
                .start(dir.directory().resolve("instance-file"));
             PluginServer vanilla = PluginServer.builder().flavor(new VanillaFlavorPlugin())
                     .start(dir.directory().resolve("flavor-vanilla"))) {
            InstancePlugin instances = lookup.instance(PluginName.parse("instance-file"));
            RemoteFlavorPlugin flavor = (RemoteFlavorPlugin) lookup.flavor(PluginName.parse("flavor-vanilla"));

            flavor.validate(Json.parse("{\"Init\":[\"echo hi\"]}"), Allocation.ofSize(1));
            String id = instances.provision(new InstanceSpec(null, Map.of("infrakit.group", "g"), "", null, null));

            assertThat(instances.describeInstances(Map.of("infrakit.group", "g"), false)).singleElement()
                    .satisfies(d -> assertThat(d.id()).isEqualTo(id));
            assertThat(((RemoteInstancePlugin) instances).client().address()).isEqualTo(file.address());
            assertThat(flavor.client().address()).isEqualTo(vanilla.address());
            assertThat(flavor.client().timeout()).isEqualTo(Duration.ofSeconds(5));
            assertThat(lookup.instance(PluginName.parse("instance-file"))).isSameAs(instances);
        }
    }

    @Test
    void theTypeOfTheNameGoesOnTheWire() throws Exception {
        LocalPluginDirectory dir = directory();
        InMemoryInstancePlugin workers = new InMemoryInstancePlugin();
        try (PluginServer server = PluginServer.builder().instance("workers", workers)
                .start(dir.directory().resolve("instance-sim"))) {
            RemotePluginLookup lookup = new RemotePluginLookup(dir, Duration.ofSeconds(5));
            RemoteInstancePlugin typed = (RemoteInstancePlugin) lookup.instance(PluginName.parse("instance-sim/workers"));

            typed.provision(new InstanceSpec(null, null, "", null, null));

            assertThat(typed.type()).isEqualTo("workers");
            assertThat(typed.client().address()).isEqualTo(server.address());
            assertThat(workers.size()).isEqualTo(1);
            assertThat(lookup.instance(PluginName.parse("instance-sim"))).isNotSameAs(typed);
        }
    }

    @Test
    void aRestartedPluginGetsAFreshClient() throws Exception {
        LocalPluginDirectory dir = directory();
        RemotePluginLookup lookup = new RemotePluginLookup(dir, Duration.ofSeconds(5));
        Path socket = dir.directory().resolve("instance-x");
        RemoteInstancePlugin first;
        try (PluginServer v05 = PluginServer.builder().instance(new InMemoryInstancePlugin()).start(socket)) {
            first = (RemoteInstancePlugin) lookup.instance(PluginName.parse("instance-x"));
            assertThat(first.negotiatedInterface()).isEqualTo(InterfaceSpec.INSTANCE_0_5_0);
            assertThat(first.client().address()).isEqualTo(v05.address());
        }
        try (PluginServer v061 = PluginServer.builder().instance(new InMemoryInstancePlugin()).latestVersions()
                .start(socket)) {
            RemoteInstancePlugin second = (RemoteInstancePlugin) lookup.instance(PluginName.parse("instance-x"));

            assertThat(second).isNotSameAs(first);
            assertThat(second.negotiatedInterface()).isEqualTo(InterfaceSpec.INSTANCE_0_6_1);
            assertThat(second.client().address()).isEqualTo(v061.address());
        }
    }

    @Test
    void unknownNamesSayWhichDirectoryWasSearched() {
        LocalPluginDirectory dir = directory();
        RemotePluginLookup lookup = new RemotePluginLookup(dir, Duration.ofSeconds(1));

        assertThatThrownBy(() -> lookup.flavor(PluginName.parse("flavor-swarm/manager")))
                .isInstanceOf(PluginNotFoundException.class)
                .hasMessage("flavor plugin 'flavor-swarm' not found in " + dir.directory()
                        + " (known flavor plugins: none)");
    }

    @Test
    void afterTheBuiltInsTheDirectoryIsSearchedAndBothAreNamedWhenNeitherHasIt() throws Exception {
        LocalPluginDirectory dir = directory();
        PluginLookup lookup = PluginRegistry.builtins(tmp.resolve("file-instances"))
                .orElse(new RemotePluginLookup(dir, Duration.ofSeconds(5)));
        try (PluginServer server = PluginServer.builder().instance(new InMemoryInstancePlugin())
                .start(dir.directory().resolve("instance-remote"))) {
            assertThat(lookup.instance(PluginName.parse("instance-file"))).isInstanceOf(FileInstancePlugin.class);
            assertThat(lookup.instance(PluginName.parse("instance-remote"))).isInstanceOf(RemoteInstancePlugin.class);
            assertThat(((RemoteInstancePlugin) lookup.instance(PluginName.parse("instance-remote"))).client().address())
                    .isEqualTo(server.address());
            assertThatThrownBy(() -> lookup.instance(PluginName.parse("instance-aws")))
                    .isInstanceOfSatisfying(PluginNotFoundException.class,
                            e -> assertThat(e.searched()).containsExactly(dir.directory().toString()))
                    .hasMessage("instance plugin 'instance-aws' not found in " + dir.directory()
                            + " (known instance plugins: file, instance-file, instance-remote)");
        }
    }
}
