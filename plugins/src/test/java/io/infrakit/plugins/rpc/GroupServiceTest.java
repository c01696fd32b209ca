package io.infrakit.plugins.rpc;

import static io.infrakit.plugins.rpc.RawClient.post;
import static io.infrakit.plugins.rpc.RawClient.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.plugins.json.GoJson;
import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.spi.GroupDescription;
import io.infrakit.plugins.spi.GroupPlugin;
import io.infrakit.plugins.spi.GroupSpec;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.spi.PluginException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Group and Manager services on the wire: exact answers to curl-style requests, and our client against them. */
class GroupServiceTest {

    @TempDir
    Path tmp;

    private final MapGroups groups = new MapGroups();
    private final AtomicBoolean leader = new AtomicBoolean(true);
    private PluginServer server;

    @BeforeEach
    void start() throws IOException {
        server = PluginServer.builder().group(groups).manager(leader::get).start(tmp.resolve("group"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private String call(String method, String params) throws IOException {
        try (RawClient c = RawClient.connect(server)) {
            return text(c.exchange(post("{\"jsonrpc\":\"2.0\",\"method\":\"" + method + "\",\"params\":" + params
                    + ",\"id\":1}")));
        }
    }

    private static String result(String json) {
        return "{\"jsonrpc\":\"2.0\",\"result\":" + json + ",\"id\":1}\n";
    }

    private static String error(String message) {
        return "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32000,\"message\":\"" + message + "\",\"data\":null},\"id\":1}\n";
    }

    @Test
    void handshakeAdvertisesGroupAndManager() throws IOException {
        assertThat(call("Handshake.Implements", "{}")).isEqualTo(result(
                "{\"APIs\":[{\"Name\":\"Group\",\"Version\":\"0.1.0\"},{\"Name\":\"Manager\",\"Version\":\"0.1.0\"}]}"));
        assertThat(call("Handshake.Types", "{}")).isEqualTo(result(
                "{\"Types\":{\"Group/0.1.0\":[\".\"],\"Manager/0.1.0\":[\".\"]}}"));
    }

    @Test
    void everyGroupMethodAnswersInInfraKitsShape() throws IOException {
        String spec = "{\"ID\":\"web\",\"Properties\":{\"Allocation\":{\"Size\":2},\"Note\":1.50}}";

        assertThat(call("Group.InspectGroups", "{}")).isEqualTo(result("{\"Groups\":null}"));
        assertThat(call("Group.CommitGroup", "{\"Spec\":" + spec + ",\"Pretend\":true}"))
                .isEqualTo(result("{\"Details\":\"would manage web\"}"));
        assertThat(groups.specs).isEmpty();
        assertThat(call("Group.CommitGroup", "{\"Spec\":" + spec + ",\"Pretend\":false}"))
                .isEqualTo(result("{\"Details\":\"managing web\"}"));
        assertThat(call("Group.InspectGroups", "{}")).isEqualTo(result("{\"Groups\":[" + spec + "]}"));
        assertThat(call("Group.DescribeGroup", "{\"ID\":\"web\"}")).isEqualTo(result(
                "{\"Description\":{\"Instances\":[{\"ID\":\"web-1\",\"LogicalID\":null,"
                        + "\"Tags\":{\"infrakit.group\":\"web\"}}],\"Converged\":true}}"));
        assertThat(call("Group.FreeGroup", "{\"ID\":\"web\"}")).isEqualTo(result("{\"OK\":true}"));
        assertThat(call("Group.FreeGroup", "{\"ID\":\"web\"}")).isEqualTo(error("Group 'web' is not being watched"));
        assertThat(call("Group.CommitGroup", "{\"Spec\":" + spec + "}")).isEqualTo(result("{\"Details\":\"managing web\"}"));
        assertThat(call("Group.DestroyGroup", "{\"ID\":\"web\"}")).isEqualTo(result("{\"OK\":true}"));
        assertThat(call("Group.DescribeGroup", "{\"ID\":\"web\"}")).isEqualTo(error("Group 'web' is not being watched"));
        assertThat(groups.destroyed).containsExactly("web");
    }

    @Test
    void managerSaysWhetherThisNodeLeads() throws IOException {
        assertThat(call("Manager.IsLeader", "{}")).isEqualTo(result("{\"Leader\":true}"));
        leader.set(false);
        assertThat(call("Manager.IsLeader", "{}")).isEqualTo(result("{\"Leader\":false}"));
    }

    @Test
    void wronglyTypedParamsAreInvalidRequests() throws IOException {
        JsonNode answer = Json.parse(call("Group.CommitGroup", "{\"Spec\":{\"ID\":5}}"));

        assertThat(answer.path("error").path("code").asInt()).isEqualTo(-32600);
        assertThat(answer.path("error").path("message").asText()).isEqualTo("params.Spec.ID must be a string, got number");
        assertThat(groups.specs).isEmpty();
    }

    @Test
    void theRemoteClientCallsEveryMethod() {
        RpcClient client = new RpcClient(server.address(), Duration.ofSeconds(5));
        RemoteGroupPlugin remote = new RemoteGroupPlugin(client);
        GroupSpec spec = new GroupSpec("db", null, Json.parse("{\"Allocation\":{\"LogicalIDs\":[\"a\"]},\"x\":1.50}"));

        assertThat(remote.inspectGroups()).isEmpty();
        assertThat(remote.commitGroup(spec, true)).isEqualTo("would manage db");
        assertThat(remote.commitGroup(spec, false)).isEqualTo("managing db");
        List<GroupSpec> inspected = remote.inspectGroups();
        GroupDescription description = remote.describeGroup("db");
        remote.freeGroup("db");

        assertThat(inspected).singleElement().satisfies(s -> {
            assertThat(s.id()).isEqualTo("db");
            assertThat(GoJson.compact(s.properties())).isEqualTo("{\"Allocation\":{\"LogicalIDs\":[\"a\"]},\"x\":1.50}");
        });
        assertThat(description.converged()).isTrue();
        assertThat(description.instances()).containsExactly(
                new InstanceDescription("db-1", null, Map.of("infrakit.group", "db"), null));
        assertThatThrownBy(() -> remote.destroyGroup("db"))
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.code()).isEqualTo(-32000))
                .hasMessage("Group 'db' is not being watched");
        assertThat(new RemoteManagerPlugin(client).isLeader()).isTrue();
        assertThatThrownBy(() -> new RemoteInstancePlugin(client, "").describeInstances(Map.of(), false))
                .isInstanceOf(UnsupportedInterfaceException.class)
                .hasMessage("Plugin does not support interface {Instance 0.5.0}");
    }

    @Test
    void apiInfoDescribesTheGroupMethods() {
        JsonNode info = new RpcClient(server.address(), Duration.ofSeconds(5)).apiInfo();

        List<String> methods = new ArrayList<>();
        info.path("Interfaces").forEach(i -> i.path("Methods").forEach(m ->
                methods.add(m.path("Request").path("method").asText())));
        assertThat(methods).containsExactly("Group.CommitGroup", "Group.DescribeGroup", "Group.DestroyGroup",
                "Group.FreeGroup", "Group.InspectGroups", "Manager.IsLeader");
        assertThat(GoJson.compact(info.path("Interfaces").get(0).path("Methods").get(4).path("Response")
                .path("result"))).isEqualTo("{\"Groups\":null}");
    }

    /** A group plugin that keeps specs in a map and reports one instance per group. */
    private static final class MapGroups implements GroupPlugin {
        final Map<String, GroupSpec> specs = new TreeMap<>();
        final List<String> destroyed = new ArrayList<>();

        @Override
        public synchronized String commitGroup(GroupSpec spec, boolean pretend) {
            if (pretend) {
                return "would manage " + spec.id();
            }
            specs.put(spec.id(), spec);
            return "managing " + spec.id();
        }

        @Override
        public synchronized void freeGroup(String id) {
            watched(id);
            specs.remove(id);
        }

        @Override
        public synchronized GroupDescription describeGroup(String id) {
            watched(id);
            return new GroupDescription(List.of(new InstanceDescription(id + "-1", null, Map.of("infrakit.group", id),
                    null)), true);
        }

        @Override
        public synchronized void destroyGroup(String id) {
            watched(id);
            specs.remove(id);
            destroyed.add(id);
        }

        @Override
        public synchronized List<GroupSpec> inspectGroups() {
            return List.copyOf(specs.values());
        }

        private void watched(String id) {
            if (!specs.containsKey(id)) {
                throw new PluginException("Group '" + id + "' is not being watched");
            }
        }
    }
}
