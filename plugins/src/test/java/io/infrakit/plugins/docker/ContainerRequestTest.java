package io.infrakit.plugins.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.json.UnknownKeys;
import io.infrakit.plugins.spi.InstanceSpec;
import io.infrakit.plugins.spi.PluginException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContainerRequestTest {

    private static DockerProperties props(String json) {
        return DockerProperties.parse(Json.parse(json));
    }

    private static InstanceSpec spec(String init, String logicalId) {
        return new InstanceSpec(null, Map.of("infrakit.group", "web", "tier", "front"), init, logicalId, null);
    }

    @Test
    void theContainerConfigIsDockersAndNotCheckedForUnknownKeys() {
        JsonNode properties = Json.parse("{\"Config\":{\"Image\":\"i\",\"Cmd\":[\"x\"]},"
                + "\"HostConfig\":{\"NetworkMode\":\"none\"},\"Pul\":\"never\"}");
        assertThat(UnknownKeys.read(properties, DockerProperties::parse))
                .containsExactly("Properties.Pul (did you mean Pull?)");
    }

    @Test
    void configIsPassedThroughWithTagsAsLabels() {
        DockerProperties p = props("{\"Tags\":{\"Name\":\"x\",\"tier\":\"props\"},"
                + "\"Config\":{\"Image\":\"busybox\",\"Env\":[\"A=1\"],\"labels\":{\"own\":\"1\"}},"
                + "\"HostConfig\":{\"Privileged\":false,\"Binds\":[\"/a:/b\"]}}");
        ObjectNode body = ContainerRequest.body(p, spec("", null), List.of(), List.of("sh"), null);

        assertThat(body.get("Image").asText()).isEqualTo("busybox");
        assertThat(body.get("Env").get(0).asText()).isEqualTo("A=1");
        assertThat(body.has("labels")).isFalse();
        // The instance's own tags win over the properties' Tags, which win over Config labels.
        assertThat(ContainerRequest.labels(body)).containsExactlyInAnyOrderEntriesOf(
                Map.of("own", "1", "Name", "x", "tier", "front", "infrakit.group", "web"));
        assertThat(body.get("HostConfig").get("Binds").get(0).asText()).isEqualTo("/a:/b");
        assertThat(body.has("Entrypoint")).isFalse();
        assertThat(body.has("NetworkingConfig")).isFalse();
    }

    @Test
    void initIsTheEntryScriptAndTheImageCommandRunsAfterIt() {
        DockerProperties p = props("{\"Config\":{\"Image\":\"img\"}}");
        ObjectNode body = ContainerRequest.body(p, spec("echo hi", null), List.of("/entry"), List.of("serve", "-v"),
                null);

        assertThat(strings(body.get("Entrypoint")))
                .containsExactly("/bin/sh", "-c", "echo hi\nexec \"$@\"", ContainerRequest.ENTRY_SCRIPT_NAME);
        assertThat(strings(body.get("Cmd"))).containsExactly("/entry", "serve", "-v");
    }

    @Test
    void aConfigEntrypointDropsTheImageCommandAndAConfigCmdReplacesIt() {
        ObjectNode withEntrypoint = ContainerRequest.body(props("{\"Config\":{\"Image\":\"i\",\"entrypoint\":\"/x\"}}"),
                spec("true", null), List.of("/entry"), List.of("serve"), null);
        assertThat(strings(withEntrypoint.get("Cmd"))).containsExactly("/x");

        ObjectNode withCmd = ContainerRequest.body(props("{\"Config\":{\"Image\":\"i\",\"Cmd\":[\"sleep\",\"9\"]}}"),
                spec("true", null), List.of(), List.of("serve"), null);
        assertThat(strings(withCmd.get("Cmd"))).containsExactly("sleep", "9");
    }

    @Test
    void aScriptWithNothingToRunAfterItRunsAlone() {
        ObjectNode body = ContainerRequest.body(props("{\"Config\":{\"Image\":\"i\"}}"), spec("sleep 5", null),
                List.of(), List.of(), null);
        assertThat(strings(body.get("Entrypoint")).get(2)).isEqualTo("sleep 5");
        assertThat(body.get("Cmd")).isEmpty();
    }

    @Test
    void aNetworkAttachmentSetsTheModeAndThePetAddress() {
        ObjectNode body = ContainerRequest.body(props("{\"Config\":{\"Image\":\"i\"}}"), spec("", "10.9.0.5"),
                List.of(), List.of(), new ContainerRequest.Network("swarm", "10.9.0.5"));
        assertThat(body.get("HostConfig").get("NetworkMode").asText()).isEqualTo("swarm");
        assertThat(body.at("/NetworkingConfig/EndpointsConfig/swarm/IPAMConfig/IPv4Address").asText())
                .isEqualTo("10.9.0.5");
    }

    @Test
    void badPropertiesAreExplained() {
        assertThatThrownBy(() -> props("{\"Tags\":{}}")).isInstanceOf(PluginException.class)
                .hasMessage("Config should be set");
        assertThatThrownBy(() -> props("{\"Config\":{\"Env\":[]}}")).hasMessage("A Docker image should be specified");
        assertThatThrownBy(() -> props("{\"Config\":{\"Image\":\"i\"},\"NetworkAttachments\":[{\"Driver\":\"x\"}]}"))
                .hasMessage("NetworkAttachment should have a name");
        assertThatThrownBy(() -> props("{\"Config\":{\"Image\":\"i\"},\"Pull\":\"sometimes\"}"))
                .hasMessageContaining("Pull").hasMessageContaining("\"never\"");
        assertThatThrownBy(() -> props("{\"Config\":[1]}")).hasMessageContaining("Config must be an object");
    }

    @Test
    void petNamesAndSubnets() {
        assertThat(ContainerRequest.containerName("172.30.0.11")).isEqualTo("172.30.0.11");
        assertThat(ContainerRequest.containerName("db-1")).isEqualTo("db-1");
        assertThat(ContainerRequest.containerName("a/b")).isNull();
        assertThat(ContainerRequest.containerName(null)).isNull();
        assertThat(Networks.inSubnet("172.30.0.11", "172.30.0.0/24")).isTrue();
        assertThat(Networks.inSubnet("172.30.1.11", "172.30.0.0/24")).isFalse();
        assertThat(Networks.inSubnet("db-1", "172.30.0.0/24")).isFalse();
    }

    private static List<String> strings(JsonNode array) {
        return Json.mapper().convertValue(array, Json.mapper().getTypeFactory()
                .constructCollectionType(List.class, String.class));
    }

    @Test
    void anImageWithoutTagIsPulledAsLatestNotAsEveryTag() {
        assertThat(DockerInstancePlugin.hasTagOrDigest("nginx")).isFalse();
        assertThat(DockerInstancePlugin.hasTagOrDigest("registry:5000/team/app")).isFalse();
        assertThat(DockerInstancePlugin.hasTagOrDigest("nginx:1.25")).isTrue();
        assertThat(DockerInstancePlugin.hasTagOrDigest("registry:5000/app:2")).isTrue();
        assertThat(DockerInstancePlugin.hasTagOrDigest("app@sha256:0123")).isTrue();
    }
}
