package io.infrakit.plugins.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.infrakit.plugins.file.FileInstancePlugin;
import io.infrakit.plugins.json.GoJson;
import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.vanilla.VanillaFlavorPlugin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replays the requests InfraKit v0.5's group plugin sent to its own file instance and vanilla flavor plugins, byte
 * for byte, against our server backed by our plugins, and compares the answers with the recorded ones.
 */
class GoldenWireTest {

    @TempDir
    Path tmp;

    @Test
    void fileInstancePluginAnswersAsInfraKitsOwnOnOneKeptAliveConnection() throws Exception {
        Path instances = tmp.resolve("instances");
        List<Captures.Exchange> exchanges = Captures.load("capture-instance-file.http");
        assertThat(exchanges).extracting(Captures.Exchange::method).contains("Handshake.Implements",
                "Handshake.Types", "Instance.Validate", "Instance.DescribeInstances", "Instance.Provision",
                "Instance.Destroy");
        try (PluginServer server = PluginServer.builder().instance(new FileInstancePlugin(instances))
                .start(tmp.resolve("plugins/instance-file"));
             RawClient client = RawClient.connect(server)) {
            int exact = 0;
            for (Captures.Exchange e : exchanges) {
                RawHttp.Response response = client.exchange(e.rawRequest());
                assertThat(response.status()).isEqualTo(200);
                assertThat(response.headers().get("Content-Type")).startsWith("application/json");
                String body = RawClient.text(response);
                if (e.method().equals("Instance.Provision")) {
                    // IDs are random: same shape, then give our instance the recorded ID so later answers match.
                    JsonNode ours = Json.parse(body);
                    assertThat(ours.get("id")).isEqualTo(e.response().get("id"));
                    assertThat(ours.get("result").get("Type").asText()).isEmpty();
                    String id = ours.get("result").get("ID").asText();
                    assertThat(id).matches("instance-[0-9]+");
                    assertThat(body).isEqualTo(e.responseBody().replace(e.response().get("result").get("ID").asText(),
                            id));
                    Files.move(instances.resolve(id), instances.resolve(e.response().get("result").get("ID").asText()));
                } else {
                    assertThat(body).as(e.method()).isEqualTo(e.responseBody());
                    exact++;
                }
            }
            assertThat(exact).isEqualTo(exchanges.size() - 2);
            assertThat(instances).isEmptyDirectory(); // both destroyed, as recorded
        }
    }

    @Test
    void vanillaFlavorAnswersAsInfraKitsOwn() throws Exception {
        List<Captures.Exchange> exchanges = Captures.load("capture-flavor-vanilla.http");
        assertThat(exchanges).extracting(Captures.Exchange::method).contains("Handshake.Implements",
                "Handshake.Types", "Flavor.Validate", "Flavor.Prepare", "Flavor.Drain");
        Path socket = tmp.resolve("plugins/flavor-vanilla");
        try (PluginServer server = PluginServer.builder().flavor(new VanillaFlavorPlugin()).start(socket)) {
            for (Captures.Exchange e : exchanges) {
                try (RawClient client = RawClient.connect(server)) {
                    RawHttp.Response response = client.exchange(e.rawRequest());
                    assertThat(response.status()).isEqualTo(200);
                    assertThat(RawClient.text(response)).as(e.method()).isEqualTo(e.responseBody());
                }
            }
        }
    }

    @Test
    void flavorApiDescriptionMatchesInfraKitsExceptForTheTimestamp() throws Exception {
        Path socket = tmp.resolve("flavor-vanilla");
        try (PluginServer server = PluginServer.builder().flavor(new VanillaFlavorPlugin()).start(socket);
             RawClient client = RawClient.connect(server)) {
            RawHttp.Response response = client.exchange("GET /info/api.json HTTP/1.1\r\nHost: rpc\r\n\r\n");

            assertThat(response.status()).isEqualTo(200);
            String expected = Captures.resourceText("flavor_api.json").strip();
            assertThat(withoutIds(RawClient.text(response))).isEqualTo(withoutIds(expected));
        }
    }

    @Test
    void instanceApiDescriptionMatchesInfraKitsExceptForExamples() throws Exception {
        Path socket = tmp.resolve("instance-file");
        try (PluginServer server = PluginServer.builder().instance(new FileInstancePlugin(tmp.resolve("i")))
                .vendor("infrakit-instance-file", "0.3.0", "https://github.com/docker/infrakit").start(socket)) {
            JsonNode ours = new RpcClient(server.address()).apiInfo();

            // InfraKit's file plugin shows example properties; ours shows none.
            ObjectNode expected = (ObjectNode) Json.parse(Captures.resourceText("instance_api.json"));
            for (JsonNode method : expected.get("Interfaces").get(0).get("Methods")) {
                ObjectNode params = (ObjectNode) method.get("Request").get("params");
                switch (method.get("Request").get("method").asText()) {
                    case "Instance.Provision" -> ((ObjectNode) params.get("Spec")).putNull("Properties");
                    case "Instance.Validate" -> params.putNull("Properties");
                    default -> { }
                }
            }
            assertThat(withoutIds(GoJson.compact(ours))).isEqualTo(withoutIds(GoJson.compact(expected)));
        }
    }

    @Test
    void instanceApiDescriptionShowsTheDestroyContextFromVersion06() throws Exception {
        Path socket = tmp.resolve("instance-file");
        try (PluginServer server = PluginServer.builder().instance(new FileInstancePlugin(tmp.resolve("i")))
                .latestVersions().start(socket)) {
            JsonNode info = new RpcClient(server.address()).apiInfo();

            assertThat(GoJson.compact(info.get("Implements"))).isEqualTo("[{\"Name\":\"Instance\",\"Version\":\"0.6.1\"}]");
            JsonNode destroy = info.get("Interfaces").get(0).get("Methods").get(1).get("Request");
            assertThat(destroy.get("method").asText()).isEqualTo("Instance.Destroy");
            assertThat(GoJson.compact(destroy.get("params")))
                    .isEqualTo("{\"Type\":\"\",\"Instance\":\"\",\"Context\":{\"Reason\":\"\"}}");
        }
    }

    /** The example ids are the Unix time the description was made. */
    private static String withoutIds(String json) {
        return json.replaceAll("\"id\":\"[0-9]+\"", "\"id\":\"T\"");
    }
}
