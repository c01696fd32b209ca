package io.infrakit.plugins.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.spi.Allocation;
import io.infrakit.plugins.spi.Attachment;
import io.infrakit.plugins.spi.Health;
import io.infrakit.plugins.spi.Index;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.spi.InstanceSpec;
import io.infrakit.plugins.spi.PluginException;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Validation, properties and what prepare makes when the manager's engine cannot be reached. No Docker needed. */
class SwarmFlavorPluginTest {

    private static final Allocation THREE = Allocation.ofLogicalIds(List.of("10.0.0.1", "10.0.0.2", "10.0.0.3"));

    @TempDir
    Path dir;

    private SwarmFlavorPlugin manager;
    private SwarmFlavorPlugin worker;
    private String closedHost;
    /** The engines the manager plugin made clients for, and those it closed. */
    private final List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<String> closed = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        // The managers' engines: every call fails at once, as if nothing listened (the pets' addresses here are
        // not this machine's, and a real client would wait for a connect timeout on each).
        manager = new SwarmFlavorPlugin(SwarmRole.MANAGER, this::failingClient);
        worker = new SwarmFlavorPlugin(SwarmRole.WORKER);
        try (ServerSocket s = new ServerSocket(0)) {
            closedHost = "tcp://127.0.0.1:" + s.getLocalPort(); // nothing listens there once closed
        }
    }

    @AfterEach
    void tearDown() {
        manager.close();
        worker.close();
    }

    private JsonNode props(String extra) {
        return Json.parse("{\"SwarmJoinIP\":\"10.0.0.1\",\"Docker\":{\"Host\":\"" + closedHost + "\"}"
                + (extra.isEmpty() ? "" : "," + extra) + "}");
    }

    @Test
    void propertiesDecodeInAnyCase() {
        SwarmSpec spec = SwarmSpec.parse(Json.parse("{\"initscripttemplateurl\":\"file:///x\",\"swarmjoinip\":\"1.2.3.4\","
                + "\"docker\":{\"host\":\"tcp://h:1\",\"tls\":{\"cafile\":\"ca\",\"certfile\":\"c\",\"keyfile\":\"k\","
                + "\"insecureskipverify\":true}},\"enginelabels\":{\"a\":\"b\"},"
                + "\"attachments\":{\"*\":[{\"id\":\"v\",\"type\":\"ebs\"}]}}"));

        assertThat(spec.initScriptTemplateUrl()).isEqualTo("file:///x");
        assertThat(spec.swarmJoinIp()).isEqualTo("1.2.3.4");
        assertThat(spec.docker()).isEqualTo(new SwarmSpec.Docker("tcp://h:1", new SwarmSpec.Tls("ca", "c", "k", true)));
        assertThat(spec.engineLabels()).containsExactly(Map.entry("a", "b"));
        assertThat(spec.attachmentsFor("anything")).containsExactly(new Attachment("v", "ebs"));
        assertThatThrownBy(() -> SwarmSpec.parse(Json.parse("{\"Attachments\":{\"*\":{}}}")))
                .isInstanceOf(PluginException.class).hasMessage("Properties.Attachments.* must be an array of objects, got object");
        assertThatThrownBy(() -> SwarmSpec.parse(Json.parse("{\"Docker\":{\"TLS\":{\"InsecureSkipVerify\":\"yes\"}}}")))
                .isInstanceOf(PluginException.class).hasMessageContaining("InsecureSkipVerify must be true or false");
    }

    @Test
    void validateNeedsDockerConnectInfo() {
        assertThatThrownBy(() -> worker.validate(Json.parse("{}"), Allocation.ofSize(3)))
                .isInstanceOf(PluginException.class).hasMessage("no docker connect info");
        assertThatThrownBy(() -> worker.validate(null, Allocation.ofSize(3)))
                .isInstanceOf(PluginException.class).hasMessage("no docker connect info");
        assertThatNoException().isThrownBy(() -> worker.validate(Json.parse("{\"Docker\":{\"TLS\":{}}}"),
                Allocation.ofSize(3)));
        assertThatNoException().isThrownBy(() -> worker.validate(props(""), Allocation.ofSize(3)));
    }

    @Test
    void managersNeedAnOddNumberOfLogicalIds() {
        assertThatNoException().isThrownBy(() -> manager.validate(props(""), THREE));
        assertThatThrownBy(() -> manager.validate(props(""), Allocation.ofLogicalIds(List.of("10.0.0.1", "10.0.0.2"))))
                .isInstanceOf(PluginException.class).hasMessage("must have odd number for quorum");
        // A manager group sized by count has no LogicalIDs: zero is even, as in InfraKit.
        assertThatThrownBy(() -> manager.validate(props(""), Allocation.ofSize(3)))
                .isInstanceOf(PluginException.class).hasMessage("must have odd number for quorum");
        assertThatNoException().isThrownBy(() -> worker.validate(props(""),
                Allocation.ofLogicalIds(List.of("10.0.0.1", "10.0.0.2"))));
    }

    @Test
    void logicalIdsAndAttachmentsAreChecked() {
        assertThatThrownBy(() -> manager.validate(props(""), Allocation.ofLogicalIds(List.of("a", "b", "a"))))
                .isInstanceOf(PluginException.class).hasMessage("LogicalID a specified more than once");
        assertThatThrownBy(() -> manager.validate(props("\"Attachments\":{\"10.0.0.9\":[{\"ID\":\"v\",\"Type\":\"ebs\"}]}"),
                THREE)).isInstanceOf(PluginException.class)
                .hasMessage("LogicalID 10.0.0.9 used for an attachment but is not in group LogicalIDs");
        assertThatThrownBy(() -> manager.validate(props("\"Attachments\":{\"10.0.0.1\":[{\"ID\":\"v\"}]}"), THREE))
                .isInstanceOf(PluginException.class).hasMessage("Attachment Type for v must be specified");
        assertThatThrownBy(() -> manager.validate(props("\"Attachments\":{\"10.0.0.1\":[{\"ID\":\"v\",\"Type\":\"ebs\"}],"
                + "\"*\":[{\"ID\":\"v\",\"Type\":\"ebs\"}]}"), THREE))
                .isInstanceOf(PluginException.class).hasMessage("Attachment v specified more than once");
        assertThatNoException().isThrownBy(() -> manager.validate(props("\"Attachments\":{\"10.0.0.1\":[{\"ID\":\"v1\","
                + "\"Type\":\"ebs\"}],\"*\":[{\"ID\":\"v2\",\"Type\":\"ebs\"}]}"), THREE));
    }

    @Test
    void validateLoadsTheScriptUrl() throws IOException {
        assertThatThrownBy(() -> worker.validate(props("\"InitScriptTemplateURL\":\"" + dir.resolve("none.sh").toUri()
                + "\""), Allocation.ofSize(1))).isInstanceOf(PluginException.class).hasMessageContaining("cannot read");
        Path body = Files.writeString(dir.resolve("body.sh"), "echo custom\n");
        assertThatNoException().isThrownBy(() -> worker.validate(props("\"InitScriptTemplateURL\":\"" + body.toUri()
                + "\""), Allocation.ofSize(1)));
    }

    @Test
    void theSeedManagerInitialisesTheSwarmWhenNoManagersEngineIsInOne() throws IOException {
        Path body = Files.writeString(dir.resolve("body.sh"), "echo custom\n");
        InstanceSpec spec = new InstanceSpec(null, Map.of("infrakit.group", "managers"), "echo first", "10.0.0.1",
                List.of(new Attachment("nic", "eni")));

        InstanceSpec prepared = manager.prepare(props("\"InitScriptTemplateURL\":\"" + body.toUri() + "\","
                + "\"EngineLabels\":{\"zone\":\"a\",\"infrakit-link\":\"ignored\"},"
                + "\"Attachments\":{\"10.0.0.1\":[{\"ID\":\"vol\",\"Type\":\"ebs\"}],\"*\":[{\"ID\":\"all\",\"Type\":\"x\"}]}"),
                spec, THREE, new Index("managers", 3));

        Map<String, String> tags = prepared.tags();
        String link = tags.get(SwarmFlavorPlugin.LINK_TAG);
        assertThat(link).matches("[a-z0-9]{16}");
        assertThat(tags).containsEntry("infrakit.group", "managers").containsEntry("swarm-id", "?")
                .containsEntry("infrakit-link-context", "swarm::?::manager");
        assertThat(Instant.parse(tags.get("infrakit-link-created"))).isBeforeOrEqualTo(Instant.now());
        assertThat(prepared.init()).startsWith("echo first\n#!/bin/sh\n")
                .contains("export INFRAKIT_SWARM_ROLE='manager'\n", "export INFRAKIT_SWARM_ACTION='init'\n",
                        "export INFRAKIT_SWARM_ADVERTISE_ADDR='10.0.0.1'\n",
                        "export INFRAKIT_ENGINE_CONFIG='{\"labels\":[\"infrakit-link=" + link + "\","
                                + "\"infrakit-link-context=swarm::?::manager\",\"infrakit-link-created=")
                .contains("\"infrakit.logical_id=10.0.0.1\",\"zone=a\"]}'\n").doesNotContain("ignored")
                .endsWith("echo custom\n");
        assertThat(prepared.attachments()).containsExactly(new Attachment("nic", "eni"), new Attachment("vol", "ebs"),
                new Attachment("all", "x"));
        assertThat(prepared.logicalId()).isEqualTo("10.0.0.1");
        String port = closedHost.substring(closedHost.lastIndexOf(':'));
        // (Then the check of the group's managers that follows a manager's prepare asks the seed's engine too, while
        // the test reads: a copy, since a view of a growing copy-on-write list throws.)
        assertThat(List.copyOf(asked).subList(0, 3)).as("Docker.Host and the other pets' engines, at once: none is in a swarm")
                .containsExactlyInAnyOrder(closedHost, "tcp://10.0.0.2" + port,
                        "tcp://10.0.0.3" + port);
    }

    @Test
    void othersCannotJoinWhileThereIsNoSwarm() {
        InstanceSpec cattle = new InstanceSpec(null, Map.of(), "", null, null);
        assertThatThrownBy(() -> worker.prepare(props(""), cattle, Allocation.ofSize(2), new Index("w", 2)))
                .isInstanceOf(PluginException.class).hasMessageContaining("cannot reach the swarm manager's Docker engine at "
                        + closedHost).hasMessageContaining("try again later");
        InstanceSpec second = new InstanceSpec(null, Map.of(), "", "10.0.0.2", null);
        String port = closedHost.substring(closedHost.lastIndexOf(':'));
        assertThatThrownBy(() -> manager.prepare(props(""), second, THREE, new Index("m", 3)))
                .isInstanceOf(PluginException.class).hasMessageContaining("no swarm to join yet")
                .hasMessageContaining("(also asked: tcp://10.0.0.1" + port + ": unreachable (connection refused); "
                        + "tcp://10.0.0.3" + port + ": unreachable (connection refused))");
    }

    @Test
    void healthAndDrainWithoutALinkOrAnEngine() {
        InstanceDescription noLink = new InstanceDescription("i-1", null, Map.of(), null);
        InstanceDescription linked = new InstanceDescription("i-2", null, Map.of("infrakit-link", "abc"), null);

        assertThat(worker.healthy(props(""), noLink)).isEqualTo(Health.UNHEALTHY);
        assertThat(worker.healthy(props(""), linked)).isEqualTo(Health.UNKNOWN);
        assertThatThrownBy(() -> worker.drain(props(""), noLink)).isInstanceOf(PluginException.class)
                .hasMessageContaining("no infrakit-link tag");
        assertThatThrownBy(() -> worker.drain(props(""), linked)).isInstanceOf(PluginException.class)
                .hasMessageContaining("cannot list the swarm's nodes");
        assertThatNoException().isThrownBy(() -> manager.drain(props(""), linked));
    }

    @Test
    void linksAreSixteenLowercaseLettersAndDigits() {
        assertThat(SwarmFlavorPlugin.newLink()).matches("[a-z0-9]{16}").isNotEqualTo(SwarmFlavorPlugin.newLink());
    }

    /** A client that fails every call and records being made and closed. */
    private com.github.dockerjava.api.DockerClient failingClient(String host, Object ssl) {
        asked.add(host);
        return (com.github.dockerjava.api.DockerClient) java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {com.github.dockerjava.api.DockerClient.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("close")) {
                        closed.add(host);
                        return null;
                    }
                    throw new IllegalStateException("connection refused");
                });
    }

    @Test
    void clientsAreMadeOncePerEngineAndClosedWithThePlugin() {
        List<String> made = asked;
        try (SwarmFlavorPlugin counting = new SwarmFlavorPlugin(SwarmRole.WORKER, this::failingClient)) {
            InstanceDescription linked = new InstanceDescription("i", null, Map.of("infrakit-link", "abc"), null);
            assertThat(counting.healthy(props(""), linked)).isEqualTo(Health.UNKNOWN);
            assertThat(counting.healthy(props(""), linked)).isEqualTo(Health.UNKNOWN);
            assertThat(counting.healthy(Json.parse("{\"Docker\":{\"Host\":\"tcp://127.0.0.1:1\"}}"), linked))
                    .isEqualTo(Health.UNKNOWN);
            assertThat(closed).isEmpty();
        }
        assertThat(made).containsExactly(closedHost, "tcp://127.0.0.1:1");
        assertThat(closed).containsExactlyInAnyOrder(closedHost, "tcp://127.0.0.1:1");
    }

    @Test
    void tlsFilesThatCannotBeReadAreReported() {
        assertThatThrownBy(() -> DockerConnections.sslConfig(new SwarmSpec.Tls(dir.resolve("ca.pem").toString(), "", "",
                false))).isInstanceOf(PluginException.class).hasMessageContaining("Docker.TLS");
        assertThat(DockerConnections.sslConfig(new SwarmSpec.Tls("", "", "", true))).isNotNull();
    }
}
