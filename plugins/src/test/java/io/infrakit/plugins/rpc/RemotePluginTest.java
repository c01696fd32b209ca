package io.infrakit.plugins.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.plugins.file.FileInstancePlugin;
import io.infrakit.plugins.json.GoJson;
import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.memory.InMemoryInstancePlugin;
import io.infrakit.plugins.spi.Allocation;
import io.infrakit.plugins.spi.Attachment;
import io.infrakit.plugins.spi.Health;
import io.infrakit.plugins.spi.Index;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.spi.InstancePlugin;
import io.infrakit.plugins.spi.InstanceSpec;
import io.infrakit.plugins.spi.PluginException;
import io.infrakit.plugins.vanilla.VanillaFlavorPlugin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Our client against our server, backed by the real built-in plugins: every method, both directions. */
class RemotePluginTest {

    @TempDir
    Path tmp;

    private static RpcClient client(PluginServer server) {
        return new RpcClient(server.address(), Duration.ofSeconds(5));
    }

    @Test
    void everyInstanceMethodReachesTheFilePlugin() throws Exception {
        Path dir = tmp.resolve("instances");
        try (PluginServer server = PluginServer.builder().instance(new FileInstancePlugin(dir))
                .start(tmp.resolve("instance-file"))) {
            RemoteInstancePlugin remote = new RemoteInstancePlugin(client(server), "");
            JsonNode properties = Json.parse("{\"Note\":\"remote\",\"size\":1.50}");
            InstanceSpec spec = new InstanceSpec(properties, Map.of("infrakit.group", "g", "tier", "web"), "echo hi",
                    "lid-1", List.of(new Attachment("vol-1", "ebs")));

            remote.validate(properties);
            String id = remote.provision(spec);
            remote.label(id, Map.of("tier", "db", "new", "yes"));
            List<InstanceDescription> plain = remote.describeInstances(Map.of("infrakit.group", "g"), false);
            List<InstanceDescription> detailed = remote.describeInstances(Map.of(), true);
            List<InstanceDescription> none = remote.describeInstances(Map.of("infrakit.group", "other"), false);

            assertThat(remote.negotiatedInterface()).isEqualTo(InterfaceSpec.INSTANCE_0_5_0);
            assertThat(id).startsWith("instance-");
            assertThat(dir.resolve(id)).exists();
            assertThat(plain).singleElement().satisfies(d -> {
                assertThat(d.id()).isEqualTo(id);
                assertThat(d.logicalId()).isEqualTo("lid-1");
                assertThat(d.tags()).containsExactlyInAnyOrderEntriesOf(
                        Map.of("infrakit.group", "g", "tier", "db", "new", "yes"));
                assertThat(d.properties()).isNull();
            });
            JsonNode state = detailed.get(0).properties();
            assertThat(GoJson.compact(state.get("Properties"))).isEqualTo("{\"Note\":\"remote\",\"size\":1.50}");
            assertThat(state.get("Init").asText()).isEqualTo("echo hi");
            assertThat(GoJson.compact(state.get("Attachments"))).isEqualTo("[{\"ID\":\"vol-1\",\"Type\":\"ebs\"}]");
            assertThat(none).isEmpty();

            remote.destroy(id, "terminate");
            assertThat(dir.resolve(id)).doesNotExist();
            assertThat(remote.describeInstances(Map.of(), false)).isEmpty();
        }
    }

    @Test
    void theLeaderTermTravelsWithChangesAndAnOlderTermIsRefused() throws Exception {
        Path dir = tmp.resolve("fenced");
        try (PluginServer server = PluginServer.builder().instance(new FileInstancePlugin(dir))
                .start(tmp.resolve("instance-file"))) {
            RemoteInstancePlugin remote = new RemoteInstancePlugin(client(server), "");
            InstanceSpec spec = new InstanceSpec(null, Map.of("infrakit.group", "g"), "", null, null);

            String first = remote.fenced(7).provision(spec);
            assertThat(Files.readString(dir.resolve(".leader-term")).strip()).isEqualTo("7");
            String second = remote.fenced(9).provision(spec);
            assertThatThrownBy(() -> remote.fenced(7).destroy(second, "terminate"))
                    .isInstanceOf(RpcException.class).hasMessageContaining("leader term 7 is older than term 9");
            assertThatThrownBy(() -> remote.fenced(8).label(first, Map.of("a", "b")))
                    .hasMessageContaining("leader term 8 is older than term 9");
            assertThat(remote.describeInstances(Map.of(), false)).hasSize(2);
            // Without a term (InfraKit's own clients, a person's CLI) calls are not fenced.
            remote.destroy(first, "terminate");
            remote.fenced(9).destroy(second, "terminate");
            assertThat(remote.describeInstances(Map.of(), false)).isEmpty();
            assertThat(remote.fenced(9)).hasToString("RemoteInstancePlugin[" + server.address() + ", term 9]");
        }
    }

    @Test
    void pluginErrorsArriveWithThePluginsMessage() throws Exception {
        try (PluginServer server = PluginServer.builder().instance(new FileInstancePlugin(tmp.resolve("i")))
                .start(tmp.resolve("instance-file"))) {
            RemoteInstancePlugin remote = new RemoteInstancePlugin(client(server), "");

            assertThatThrownBy(() -> remote.destroy("instance-404", "terminate"))
                    .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.code()).isEqualTo(-32000))
                    .hasMessage("instance not found: instance-404");
            assertThatThrownBy(() -> remote.label("instance-404", Map.of("a", "b")))
                    .isInstanceOf(PluginException.class).hasMessage("instance not found: instance-404");
            assertThatThrownBy(() -> remote.validate(Json.parse("[1]")))
                    .hasMessage("Properties must be a JSON object, got array");
        }
    }

    @Test
    void everyFlavorMethodReachesTheVanillaFlavor() throws Exception {
        try (PluginServer server = PluginServer.builder().flavor(new VanillaFlavorPlugin())
                .start(tmp.resolve("flavor-vanilla"))) {
            RemoteFlavorPlugin remote = new RemoteFlavorPlugin(client(server), "");
            JsonNode properties = Json.parse("{\"Init\":[\"docker pull nginx\",\"docker run nginx\"],"
                    + "\"Tags\":{\"tier\":\"web\"},\"Attachments\":[{\"ID\":\"disk\",\"Type\":\"vol\"}]}");
            InstanceSpec spec = new InstanceSpec(Json.parse("{\"a\":1}"), Map.of("infrakit.group", "g"), "set -e",
                    null, null);
            InstanceDescription instance = new InstanceDescription("i-1", null, Map.of("tier", "web"), null);

            remote.validate(properties, Allocation.ofLogicalIds(List.of("10.0.0.1", "10.0.0.2")));
            InstanceSpec prepared = remote.prepare(properties, spec, Allocation.ofSize(3), new Index("g", 3));
            Health health = remote.healthy(properties, instance);
            remote.drain(properties, instance);

            assertThat(prepared.init()).isEqualTo("set -e\ndocker pull nginx\ndocker run nginx");
            assertThat(prepared.tags()).containsExactlyInAnyOrderEntriesOf(Map.of("infrakit.group", "g", "tier", "web"));
            assertThat(prepared.attachments()).containsExactly(new Attachment("disk", "vol"));
            assertThat(GoJson.compact(prepared.properties())).isEqualTo("{\"a\":1}");
            assertThat(health).isEqualTo(Health.HEALTHY);
            assertThat(remote.negotiatedInterface()).isEqualTo(InterfaceSpec.FLAVOR_0_1_0);
            assertThatThrownBy(() -> remote.validate(Json.parse("{\"Init\":[\"x\"],\"InitScriptTemplateURL\":\"file:///x\"}"),
                    Allocation.ofSize(1)))
                    .isInstanceOf(RpcException.class)
                    .hasMessage("Either \"Init\" or \"InitScriptTemplateURL\" can be specified but not both");
        }
    }

    @Test
    void oneSocketServesBothAnInstanceAndAFlavorPlugin() throws Exception {
        try (PluginServer server = PluginServer.builder().instance(new InMemoryInstancePlugin())
                .flavor(new VanillaFlavorPlugin()).latestVersions().start(tmp.resolve("both"))) {
            RpcClient client = client(server);

            assertThat(client.implementedInterfaces()).containsExactly(InterfaceSpec.INSTANCE_0_6_1,
                    InterfaceSpec.FLAVOR_0_1_1);
            assertThat(client.types()).containsExactly(Map.entry("Flavor/0.1.1", List.of(".")),
                    Map.entry("Instance/0.6.1", List.of(".")));
            assertThat(new RemoteInstancePlugin(client, "").provision(new InstanceSpec(null, null, "", null, null)))
                    .isEqualTo("instance-1");
            assertThat(new RemoteFlavorPlugin(client, "").healthy(null, new InstanceDescription("x", null, null, null)))
                    .isEqualTo(Health.HEALTHY);
        }
    }

    @Test
    void typedPluginsAreChosenByTheTypeOfTheName() throws Exception {
        InMemoryInstancePlugin small = new InMemoryInstancePlugin();
        InMemoryInstancePlugin large = new InMemoryInstancePlugin();
        try (PluginServer server = PluginServer.builder().instance("small", small).instance("large", large)
                .start(tmp.resolve("instance-sim"))) {
            RpcClient client = client(server);
            RemoteInstancePlugin remoteLarge = new RemoteInstancePlugin(client, "large");

            remoteLarge.provision(new InstanceSpec(null, Map.of("k", "v"), "", null, null));

            assertThat(large.size()).isEqualTo(1);
            assertThat(small.size()).isZero();
            assertThat(client.types()).containsExactly(Map.entry("Instance/0.5.0", List.of("large", "small")));
            assertThatThrownBy(() -> new RemoteInstancePlugin(client, "medium").describeInstances(Map.of(), false))
                    .hasMessage("no-plugin:medium");
            assertThatThrownBy(() -> new RemoteInstancePlugin(client, "").describeInstances(Map.of(), false))
                    .hasMessage("no-plugin:");
        }
    }

    @Test
    void destroySendsTheReasonToPluginsOfVersion06AndNotTo05() throws Exception {
        List<String> reasons = new CopyOnWriteArrayList<>();
        InMemoryInstancePlugin memory = new InMemoryInstancePlugin();
        InstancePlugin recording = new InstancePlugin() {
            @Override
            public void validate(JsonNode properties) {
            }

            @Override
            public String provision(InstanceSpec spec) {
                return memory.provision(spec);
            }

            @Override
            public void label(String instanceId, Map<String, String> labels) {
            }

            @Override
            public void destroy(String instanceId, String reason) {
                reasons.add(reason);
                memory.destroy(instanceId, reason);
            }

            @Override
            public List<InstanceDescription> describeInstances(Map<String, String> tags, boolean properties) {
                return memory.describeInstances(tags, properties);
            }
        };
        InstanceSpec spec = new InstanceSpec(null, null, "", null, null);
        try (PluginServer v05 = PluginServer.builder().instance(recording).start(tmp.resolve("v05"))) {
            RemoteInstancePlugin remote = new RemoteInstancePlugin(client(v05), "");
            remote.destroy(remote.provision(spec), "rolling_update");
        }
        try (PluginServer v061 = PluginServer.builder().instance(recording).instanceVersion("0.6.1")
                .start(tmp.resolve("v061"))) {
            RemoteInstancePlugin remote = new RemoteInstancePlugin(client(v061), "");
            remote.destroy(remote.provision(spec), "rolling_update");
            assertThat(remote.negotiatedInterface()).isEqualTo(InterfaceSpec.INSTANCE_0_6_1);
        }
        assertThat(reasons).containsExactly("", "rolling_update");
    }

    @Test
    void theServerWritesItsSocketWhereDiscoveryLooks() throws Exception {
        Path socket = tmp.resolve("plugins").resolve("instance-file");
        try (PluginServer server = PluginServer.builder().instance(new InMemoryInstancePlugin()).start(socket)) {
            assertThat(server.address()).isEqualTo(new PluginAddress.Unix(socket));
            assertThat(Files.exists(socket)).isTrue();
            assertThat(server.interfaces()).containsExactly(InterfaceSpec.INSTANCE_0_5_0);
        }
    }
}
