package io.infrakit.operator.groupsocket;

import static io.infrakit.operator.groupsocket.LocalOperator.cattle;
import static io.infrakit.operator.groupsocket.LocalOperator.files;
import static io.infrakit.operator.groupsocket.RawRpc.call;
import static io.infrakit.operator.groupsocket.RawRpc.error;
import static io.infrakit.operator.groupsocket.RawRpc.json;
import static io.infrakit.operator.groupsocket.RawRpc.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.operator.Keys;
import io.infrakit.operator.group.GroupState;
import io.infrakit.operator.group.GroupStatus;
import io.infrakit.operator.group.GroupStatusBuilder;
import io.infrakit.plugins.PluginRegistry;
import io.infrakit.plugins.group.Tags;
import io.infrakit.plugins.json.GoJson;
import io.infrakit.store.KeyValue;
import io.infrakit.store.Store;
import io.infrakit.store.testing.EtcdCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The group socket driven as InfraKit's CLI and curl drive it: raw JSON-RPC over the Unix socket, against real etcd
 * and a leading controller with the file plugin.
 */
@Timeout(60)
class GroupSocketIT {

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.single();

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir(factory = ShortTempDir.class)
    Path sockets;
    @TempDir
    Path instances;

    private final AtomicBoolean leader = new AtomicBoolean(true);
    private LocalOperator op;
    private GroupSocket socket;
    private Path group;

    @BeforeEach
    void start() throws IOException {
        op = new LocalOperator(ETCD, "gsock", PluginRegistry.builtins(instances), Duration.ofSeconds(1)).start();
        socket = GroupSocket.start(sockets, GroupSocket.DEFAULT_NAME, "r1",
                new EtcdGroupPlugin(op.store, op.keys, op.plugins, leader::get)).orElseThrow();
        group = socket.path();
    }

    @AfterEach
    void stop() {
        if (socket != null) {
            socket.close();
        }
        if (op != null) {
            op.close();
        }
    }

    private String commit(String spec, boolean pretend) {
        return call(group, "Group.CommitGroup", "{\"Spec\":" + spec + ",\"Pretend\":" + pretend + "}");
    }

    private JsonNode describe(String id) {
        return json(group, "Group.DescribeGroup", "{\"ID\":\"" + id + "\"}");
    }

    private JsonNode awaitDescribedConverged(String id, int n) {
        return await(id + " described as converged with " + n + " instances").atMost(WAIT).until(() -> {
            JsonNode d = describe(id).path("result").path("Description");
            return d.path("Converged").asBoolean() && d.path("Instances").size() == n ? d : null;
        }, Objects::nonNull);
    }

    @Test
    void servesGroupAndManagerAtGroupWithOwnerOnlyMode() throws IOException {
        assertThat(group).isEqualTo(sockets.resolve("group"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(group))).isEqualTo("rw-------");
        assertThat(call(group, "Handshake.Implements", "{}")).isEqualTo(result(
                "{\"APIs\":[{\"Name\":\"Group\",\"Version\":\"0.1.0\"},{\"Name\":\"Manager\",\"Version\":\"0.1.0\"}]}"));
    }

    @Test
    void aGroupsWholeLifeThroughRawRequests() {
        String web3 = cattle("web", 3, "instance-file", "flavor-vanilla");
        String web5 = cattle("web", 5, "instance-file", "flavor-vanilla");

        assertThat(call(group, "Group.InspectGroups", "{}")).isEqualTo(result("{\"Groups\":null}"));
        assertThat(commit(web3, true)).isEqualTo(result("{\"Details\":\"Managing 3 instances\"}"));
        assertThat(op.store.get(op.keys.group("web"))).isEmpty();

        assertThat(commit(web3, false)).isEqualTo(result("{\"Details\":\"Managing 3 instances\"}"));
        JsonNode described = awaitDescribedConverged("web", 3);
        assertThat(described.path("Instances")).allSatisfy(i -> {
            assertThat(i.path("ID").asText()).startsWith("instance-");
            assertThat(i.path("Tags").path(Tags.GROUP).asText()).isEqualTo("web");
            assertThat(i.path("Tags").path("tier").asText()).isEqualTo("web");
            assertThat(i.has("Properties")).isFalse();
        });
        assertThat(files(instances)).hasSize(3);

        assertThat(commit(web5, true))
                .isEqualTo(result("{\"Details\":\"Adding 2 instances to increase the group size to 5\"}"));
        assertThat(commit(web5, false))
                .isEqualTo(result("{\"Details\":\"Adding 2 instances to increase the group size to 5\"}"));
        awaitDescribedConverged("web", 5);
        assertThat(commit(web5, false)).isEqualTo(result("{\"Details\":\"Noop\"}"));

        JsonNode inspected = json(group, "Group.InspectGroups", "{}").path("result").path("Groups");
        assertThat(inspected).hasSize(1);
        assertThat(inspected.get(0).path("ID").asText()).isEqualTo("web");
        assertThat(GoJson.compact(inspected.get(0).path("Properties")))
                .isEqualTo(GoJson.compact(io.infrakit.plugins.json.Json.parse(web5).path("Properties")));

        // Free: instances stay, the group is no longer watched (as in InfraKit), the spec stays in etcd.
        assertThat(call(group, "Group.FreeGroup", "{\"ID\":\"web\"}")).isEqualTo(result("{\"OK\":true}"));
        assertThat(op.store.get(op.keys.free("web"))).isPresent();
        op.awaitStatus("web", WAIT, "free", s -> (s.state()) == GroupState.FREE);
        assertThat(call(group, "Group.FreeGroup", "{\"ID\":\"web\"}")).isEqualTo(error("Group 'web' is not being watched"));
        assertThat(call(group, "Group.DescribeGroup", "{\"ID\":\"web\"}"))
                .isEqualTo(error("Group 'web' is not being watched"));
        assertThat(call(group, "Group.InspectGroups", "{}")).isEqualTo(result("{\"Groups\":null}"));
        assertThat(files(instances)).hasSize(5);

        // Committing again takes it back: to InfraKit that is a new group.
        assertThat(commit(web5, false)).isEqualTo(result("{\"Details\":\"Managing 5 instances\"}"));
        assertThat(op.store.get(op.keys.free("web"))).isEmpty();
        awaitDescribedConverged("web", 5);

        assertThat(call(group, "Group.DestroyGroup", "{\"ID\":\"web\"}")).isEqualTo(result("{\"OK\":true}"));
        assertThat(op.store.get(op.keys.group("web"))).isEmpty();
        await("web's instances destroyed").atMost(WAIT).until(() -> files(instances).isEmpty());
        assertThat(call(group, "Group.DestroyGroup", "{\"ID\":\"web\"}"))
                .isEqualTo(error("Group 'web' is not being watched"));
    }

    @Test
    void unknownGroupsAndBadSpecsAreErrorsInInfraKitsWords() {
        assertThat(call(group, "Group.DescribeGroup", "{\"ID\":\"nope\"}"))
                .isEqualTo(error("Group 'nope' is not being watched"));
        assertThat(call(group, "Group.FreeGroup", "{\"ID\":\"nope\"}"))
                .isEqualTo(error("Group 'nope' is not being watched"));
        assertThat(call(group, "Group.DestroyGroup", "{\"ID\":\"nope\"}"))
                .isEqualTo(error("Group 'nope' is not being watched"));
        assertThat(commit("{\"ID\":\"db\",\"Properties\":{\"Instance\":{\"Plugin\":\"instance-file\"},"
                + "\"Flavor\":{\"Plugin\":\"flavor-vanilla\"}}}", false))
                .isEqualTo(error("Allocation must not be blank"));
        assertThat(commit("{\"ID\":\"\",\"Properties\":{}}", false)).isEqualTo(error("Group ID must not be blank"));
        JsonNode missing = json(group, "Group.CommitGroup",
                "{\"Spec\":" + cattle("db", 1, "instance-nope", "flavor-vanilla") + "}");
        assertThat(missing.path("error").path("code").asInt()).isEqualTo(-32000);
        assertThat(missing.path("error").path("message").asText())
                .startsWith("Failed to find Instance plugin 'instance-nope':instance plugin 'instance-nope' not found");
        assertThat(op.store.list(op.keys.groups()).kvs()).isEmpty();
        JsonNode typed = json(group, "Group.CommitGroup", "{\"Spec\":{\"ID\":7}}");
        assertThat(typed.path("error").path("code").asInt()).isEqualTo(-32600);
    }

    @Test
    void isLeaderSaysWhatTheReplicaSays() {
        assertThat(call(group, "Manager.IsLeader", "{}")).isEqualTo(result("{\"Leader\":true}"));
        leader.set(false);
        assertThat(call(group, "Manager.IsLeader", "{}")).isEqualTo(result("{\"Leader\":false}"));
    }

    @Test
    void convergedOnlyForAConvergedStatusOfTheCurrentSpec() {
        // A prefix no controller watches: the status is what the test writes.
        Store store = op.store;
        Keys keys = new Keys(EtcdCluster.uniquePrefix("gsock-idle"));
        EtcdGroupPlugin plugin = new EtcdGroupPlugin(store, keys, op.plugins, () -> false);
        plugin.commitGroup(io.infrakit.plugins.group.GroupSpecs.parse(cattle("app", 2, "file", "vanilla")), false);
        long revision = store.get(keys.group("app")).map(KeyValue::modRevision).orElseThrow();

        assertThat(plugin.describeGroup("app").converged()).isFalse();
        GroupStatusBuilder converged = GroupStatus.builder("app").state(GroupState.CONVERGED).desired(2).observed(2)
                .configSha("sha").instancePlugin("file");
        store.put(keys.status("app"), converged.specRevision(revision - 1).build().toJson());
        assertThat(plugin.describeGroup("app").converged()).isFalse();
        store.put(keys.status("app"), converged.specRevision(revision).build().toJson());
        assertThat(plugin.describeGroup("app").converged()).isTrue();
        assertThat(plugin.describeGroup("app").instances()).isEmpty();
        assertThat(plugin.isLeader()).isFalse();
    }

    @Test
    void aSecondReplicaOnThisHostServesUnderItsOwnName() throws IOException {
        EtcdGroupPlugin plugin = new EtcdGroupPlugin(op.store, op.keys, op.plugins, () -> false);
        try (GroupSocket second = GroupSocket.start(sockets, GroupSocket.DEFAULT_NAME, "host:42", plugin)
                .orElseThrow()) {
            assertThat(second.path()).isEqualTo(sockets.resolve("group-host-42"));
            assertThat(call(second.path(), "Manager.IsLeader", "{}")).isEqualTo(result("{\"Leader\":false}"));
            assertThat(call(group, "Manager.IsLeader", "{}")).isEqualTo(result("{\"Leader\":true}"));
            // A third with the same ID: no socket for it, and neither of the others is disturbed.
            assertThat(GroupSocket.start(sockets, GroupSocket.DEFAULT_NAME, "host:42", plugin)).isEmpty();
            assertThat(call(second.path(), "Manager.IsLeader", "{}")).isEqualTo(result("{\"Leader\":false}"));
        }
        assertThat(sockets.resolve("group-host-42")).doesNotExist();
        assertThatThrownBy(() -> GroupSocket.start(sockets, group.toString(), "r3", plugin))
                .isInstanceOf(IOException.class).hasMessageContaining("another plugin is listening on " + group);
    }
}
