package io.infrakit.plugins.maas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.plugins.group.Tags;
import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.spi.InstanceSpec;
import io.infrakit.plugins.spi.PluginException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin against the MAAS API test server of MAAS's Go client library (API 1.0 operations; see
 * {@link MaasTestServer}): every request signed, machines acquired, tagged with InfraKit's tags, started with the
 * init script as user data, found again by tags, labelled, and released.
 */
class MaasInstancePluginIT {

    @TempDir
    Path dir;

    private MaasTestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private MaasInstancePlugin plugin(String key) throws Exception {
        Path keyFile = dir.resolve("maas.key");
        Files.writeString(keyFile, key + "\n");
        return MaasInstancePlugin.connect(new MaasInstancePlugin.MaasSettings(server.url, keyFile, "1.0"));
    }

    private static InstanceSpec spec(String group, String logicalId, String init) {
        Map<String, String> tags = logicalId == null ? Map.of(Tags.GROUP, group, Tags.CONFIG_SHA, "abc123")
                : Map.of(Tags.GROUP, group, Tags.CONFIG_SHA, "abc123", Tags.LOGICAL_ID, logicalId);
        return new InstanceSpec(Json.parse("{\"Constraints\":{\"arch\":\"amd64\",\"mem\":1024}}"), tags, init,
                logicalId, null);
    }

    @Test
    void allocatesTagsDeploysWithTheInitScriptFindsByTagsLabelsAndReleases() throws Exception {
        server = MaasTestServer.start("1.0", 3);
        MaasInstancePlugin maas = plugin(MaasTestServer.KEY);
        String cattle = maas.provision(spec("web", null, "echo hello from cattle"));
        String pet = maas.provision(spec("web", "web-1", "echo hello from a pet"));
        String other = maas.provision(spec("db", null, ""));

        JsonNode ops = server.operations();
        assertThat(ops.path("owned").size()).isEqualTo(3);
        for (String id : List.of(cattle, pet)) {
            assertThat(ops.path("operations").path(id)).extracting(JsonNode::asText)
                    .containsExactly("acquire", "start");
            JsonNode acquire = ops.path("values").path(id).get(0);
            assertThat(acquire.path("agent_name").get(0).asText()).isEqualTo(MaasInstancePlugin.AGENT_NAME);
            assertThat(acquire.path("mem").get(0).asText()).isEqualTo("1024");
        }
        String userData = ops.path("values").path(pet).get(1).path("user_data").get(0).asText();
        assertThat(new String(Base64.getDecoder().decode(userData), StandardCharsets.UTF_8))
                .isEqualTo("echo hello from a pet");
        assertThat(ops.path("values").path(other).get(1).has("user_data")).as("no init, no user data").isFalse();

        List<InstanceDescription> web = maas.describeInstances(Map.of(Tags.GROUP, "web"), true);
        assertThat(web).extracting(InstanceDescription::id).containsExactlyInAnyOrder(cattle, pet);
        InstanceDescription petFound = web.stream().filter(d -> d.id().equals(pet)).findFirst().orElseThrow();
        assertThat(petFound.tags()).isEqualTo(Map.of(Tags.GROUP, "web", Tags.CONFIG_SHA, "abc123",
                Tags.LOGICAL_ID, "web-1"));
        assertThat(petFound.logicalId()).isEqualTo("web-1");
        assertThat(petFound.properties().path("hostname").asText()).endsWith(".maas");
        assertThat(maas.describeInstances(Map.of(), false)).hasSize(3);
        assertThat(maas.describeInstances(Map.of(Tags.GROUP, "db"), false)).extracting(InstanceDescription::id)
                .containsExactly(other);

        maas.label(cattle, Map.of("role", "frontend"));
        maas.label(cattle, Map.of("role", "cache", Tags.CONFIG_SHA, "def456"));
        assertThat(maas.describeInstances(Map.of("role", "cache"), false)).extracting(InstanceDescription::id)
                .containsExactly(cattle);
        assertThat(maas.describeInstances(Map.of("role", "frontend"), false)).isEmpty();
        assertThat(maas.describeInstances(Map.of(Tags.GROUP, "web", Tags.CONFIG_SHA, "abc123"), false))
                .extracting(InstanceDescription::id).containsExactly(pet);

        maas.destroy(cattle, "terminate");
        assertThat(server.operations().path("operations").path(cattle).get(2).asText()).isEqualTo("release");
        assertThat(server.operations().path("owned").has(cattle)).isFalse();
        assertThat(maas.describeInstances(Map.of(Tags.GROUP, "web"), false)).extracting(InstanceDescription::id)
                .containsExactly(pet);
        // A new plugin (an operator restart) finds the instances by their tags alone.
        assertThat(plugin(MaasTestServer.KEY).describeInstances(Map.of(), false)).extracting(InstanceDescription::id)
                .containsExactlyInAnyOrder(pet, other);
    }

    @Test
    void noReadyMachineIsAClearErrorAndNothingIsLeftAllocated() throws Exception {
        server = MaasTestServer.start("1.0", 1);
        MaasInstancePlugin maas = plugin(MaasTestServer.KEY);
        maas.provision(spec("web", null, ""));
        assertThatThrownBy(() -> maas.provision(spec("web", null, ""))).isInstanceOf(PluginException.class)
                .hasMessageContaining("no ready machine in MAAS matches").hasMessageContaining("HTTP 409");
        assertThat(maas.describeInstances(Map.of(Tags.GROUP, "web"), false)).hasSize(1);
    }

    @Test
    void aWrongKeyIsRefusedAndSaysSo() throws Exception {
        server = MaasTestServer.start("1.0", 1);
        MaasInstancePlugin maas = plugin("consumer0key:token0key:wrong");
        assertThatThrownBy(() -> maas.provision(spec("web", null, ""))).isInstanceOf(PluginException.class)
                .hasMessageContaining("HTTP 401").hasMessageContaining("Invalid signature")
                .hasMessageNotContaining("wrong");
        assertThat(server.operations().path("owned").size()).isZero();
        assertThatThrownBy(() -> MaasInstancePlugin.connect(new MaasInstancePlugin.MaasSettings(server.url,
                dir.resolve("missing.key"), "2.0"))).hasMessageContaining("cannot read the MAAS API key");
        assertThatThrownBy(() -> MaasInstancePlugin.connect(new MaasInstancePlugin.MaasSettings(null, null, null)))
                .hasMessageContaining("needs a MAAS URL and an API key file");
    }
}
