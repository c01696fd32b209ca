package io.infrakit.plugins.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.plugins.json.GoJson;
import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.spi.Allocation;
import io.infrakit.plugins.spi.Health;
import io.infrakit.plugins.spi.Index;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.spi.InstanceSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our client against recordings of InfraKit's own plugins: a fake plugin answers only requests whose params are
 * exactly what InfraKit's group plugin sent (so our requests are proven byte-compatible), with the recorded answers.
 */
class ClientWireTest {

    @TempDir
    Path tmp;

    private static FakePlugin replaying(Path socket, String capture) throws Exception {
        Map<String, String> answers = new LinkedHashMap<>();
        for (Captures.Exchange e : Captures.load(capture)) {
            answers.putIfAbsent(e.method() + " " + e.params(), GoJson.compact(e.response().get("result")));
        }
        return FakePlugin.raw(socket, request -> {
            String key = request.get("method").asText() + " " + GoJson.compact(request.get("params"));
            String result = answers.get(key);
            return result == null ? FakePlugin.error(request, "not in the recording: " + key)
                    : FakePlugin.http(200, "{\"jsonrpc\":\"2.0\",\"result\":" + result + ",\"id\":" + request.get("id")
                    + "}\n");
        });
    }

    @Test
    void instanceRequestsAreWhatInfraKitSends() throws Exception {
        try (FakePlugin fake = replaying(tmp.resolve("instance-file"), "capture-instance-file.http")) {
            RemoteInstancePlugin plugin = new RemoteInstancePlugin(
                    new RpcClient(new PluginAddress.Unix(fake.socket()), Duration.ofSeconds(5)), "");
            Map<String, String> group = Map.of("infrakit.group", "spy");

            plugin.validate(Json.parse("{\"Note\":\"peer bench\"}"));
            assertThat(plugin.describeInstances(group, false)).isEmpty();
            Map<String, String> tags = Map.of("infrakit.config_sha", "h4o4ij6a22wq37pzkk6zuoc53jwg2gvb",
                    "infrakit.group", "spy", "project", "bench", "tier", "web");
            String id = plugin.provision(new InstanceSpec(Json.parse("{\"Note\":\"peer bench\"}"), tags, "echo hello",
                    null, null));
            assertThat(id).isEqualTo("instance-5251701598930251659");
            plugin.destroy("instance-1813753074928824571", "terminate");

            assertThat(fake.methods()).containsExactly("Handshake.Implements", "Instance.Validate",
                    "Instance.DescribeInstances", "Instance.Provision", "Instance.Destroy");
            assertThat(fake.requests()).allSatisfy(r -> {
                assertThat(r.get("jsonrpc").asText()).isEqualTo("2.0");
                assertThat(r.get("id").isIntegralNumber() && r.get("id").longValue() > 0).isTrue();
            });
        }
    }

    @Test
    void describeReadsInfraKitsDescriptions() throws Exception {
        try (FakePlugin fake = FakePlugin.results(tmp.resolve("instance-file"), request ->
                request.get("method").asText().equals("Handshake.Implements")
                        ? "{\"APIs\":[{\"Name\":\"Instance\",\"Version\":\"0.5.0\"}]}"
                        : describeResult())) {
            RemoteInstancePlugin plugin = new RemoteInstancePlugin(new RpcClient(new PluginAddress.Unix(fake.socket())),
                    "");

            List<InstanceDescription> found = plugin.describeInstances(Map.of("infrakit.group", "spy"), false);

            assertThat(found).extracting(InstanceDescription::id)
                    .containsExactly("instance-1813753074928824571", "instance-5251701598930251659");
            assertThat(found.get(0).logicalId()).isNull();
            assertThat(found.get(0).properties()).isNull();
            assertThat(found.get(0).tags()).containsEntry("tier", "web").containsEntry("infrakit.group", "spy")
                    .hasSize(4);
        }
    }

    private static String describeResult() {
        for (Captures.Exchange e : Captures.load("capture-instance-file.http")) {
            JsonNode descriptions = e.response().path("result").path("Descriptions");
            if (descriptions.size() == 2) {
                return GoJson.compact(e.response().get("result"));
            }
        }
        throw new IllegalStateException("no recorded answer with two instances");
    }

    @Test
    void flavorRequestsAreWhatInfraKitSends() throws Exception {
        try (FakePlugin fake = replaying(tmp.resolve("flavor-vanilla"), "capture-flavor-vanilla.http")) {
            RemoteFlavorPlugin plugin = new RemoteFlavorPlugin(new RpcClient(new PluginAddress.Unix(fake.socket())), "");
            JsonNode properties = Json.parse("{\"Init\":[\"echo hello\"],\"Tags\":{\"tier\":\"web\",\"project\":\"bench\"}}");
            Map<String, String> groupTags = Map.of("infrakit.config_sha", "h4o4ij6a22wq37pzkk6zuoc53jwg2gvb",
                    "infrakit.group", "spy");

            plugin.validate(properties, Allocation.ofSize(2));
            InstanceSpec prepared = plugin.prepare(properties,
                    new InstanceSpec(Json.parse("{\"Note\":\"peer bench\"}"), groupTags, "", null, null),
                    Allocation.ofSize(2), new Index("spy", 2));
            Map<String, String> all = new LinkedHashMap<>(groupTags);
            all.put("project", "bench");
            all.put("tier", "web");
            plugin.drain(properties, new InstanceDescription("instance-1813753074928824571", null, all, null));

            assertThat(prepared.init()).isEqualTo("echo hello");
            assertThat(prepared.tags()).isEqualTo(all);
            assertThat(prepared.logicalId()).isNull();
            assertThat(prepared.attachments()).isNull();
            assertThat(GoJson.compact(prepared.properties())).isEqualTo("{\"Note\":\"peer bench\"}");
            assertThat(fake.methods()).containsExactly("Handshake.Implements", "Flavor.Validate", "Flavor.Prepare",
                    "Flavor.Drain");
        }
    }

    @Test
    void healthIsAnIntegerOnTheWire() throws Exception {
        try (FakePlugin fake = FakePlugin.results(tmp.resolve("f"), request ->
                switch (request.get("method").asText()) {
                    case "Handshake.Implements" -> "{\"APIs\":[{\"Name\":\"Flavor\",\"Version\":\"0.1.0\"}]}";
                    default -> "{\"Type\":\"\",\"Health\":2}";
                })) {
            RemoteFlavorPlugin plugin = new RemoteFlavorPlugin(new RpcClient(new PluginAddress.Unix(fake.socket())), "");

            Health health = plugin.healthy(null, new InstanceDescription("i-1", "lid", Map.of(), null));

            assertThat(health).isEqualTo(Health.UNHEALTHY);
            assertThat(GoJson.compact(fake.requests().get(1).get("params"))).isEqualTo(
                    "{\"Type\":\"\",\"Properties\":null,\"Instance\":{\"ID\":\"i-1\",\"LogicalID\":\"lid\",\"Tags\":{}}}");
        }
    }
}
