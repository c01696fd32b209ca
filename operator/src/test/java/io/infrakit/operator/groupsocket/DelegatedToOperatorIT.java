package io.infrakit.operator.groupsocket;

import static io.infrakit.operator.groupsocket.LocalOperator.files;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.operator.election.LeaderTerm;
import io.infrakit.operator.group.GroupRouting;
import io.infrakit.operator.group.GroupState;
import io.infrakit.operator.group.GroupStatus;
import io.infrakit.operator.testing.InProcessCli;
import io.infrakit.operator.write.Author;
import io.infrakit.operator.write.GroupWrites;
import io.infrakit.operator.write.WriteException;
import io.infrakit.plugins.PluginLookup;
import io.infrakit.plugins.PluginRegistry;
import io.infrakit.plugins.discovery.LocalPluginDirectory;
import io.infrakit.plugins.discovery.RemotePluginLookup;
import io.infrakit.plugins.file.FileInstancePlugin;
import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.rpc.PluginServer;
import io.infrakit.store.KeyValue;
import io.infrakit.store.testing.Await;
import io.infrakit.store.testing.EtcdCluster;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Specs whose {@code Plugin} names another group plugin, here a second operator's group socket (its own etcd
 * prefix, its own file instances): the first operator validates them with that plugin, forwards them, reports what
 * it describes, frees and destroys through it, and commits again after a change of leader. Real etcd, real sockets.
 */
@Timeout(120)
class DelegatedToOperatorIT {

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.single();

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String OTHER = "ops-group";

    @TempDir(factory = ShortTempDir.class)
    Path sockets;
    @TempDir
    Path instances;
    @TempDir
    Path ownInstances;

    private LocalOperator other;
    private GroupSocket otherSocket;
    private LocalOperator op;
    private GroupWrites writes;

    @BeforeEach
    void start() throws IOException {
        other = new LocalOperator(ETCD, "other", PluginRegistry.builtins(instances), Duration.ofSeconds(1),
                GroupRouting.own(OTHER)).start();
        serveOther();
        PluginLookup plugins = PluginRegistry.builtins(ownInstances)
                .orElse(new RemotePluginLookup(new LocalPluginDirectory(sockets), Duration.ofSeconds(2)));
        op = new LocalOperator(ETCD, "front", plugins, Duration.ofSeconds(1)).start();
        writes = new GroupWrites(op.store, op.keys, plugins, Clock.systemUTC());
    }

    private void serveOther() throws IOException {
        otherSocket = GroupSocket.start(sockets, OTHER, "r1", new EtcdGroupPlugin(other.store, other.keys,
                other.plugins, () -> true, GroupRouting.own(OTHER))).orElseThrow();
    }

    @AfterEach
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {op, otherSocket, other}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
    }

    private static String spec(String id, String plugin, int size) {
        return "{\"ID\":\"" + id + "\",\"Plugin\":\"" + plugin + "\",\"Properties\":{\"Allocation\":{\"Size\":" + size
                + "},\"Instance\":{\"Plugin\":\"instance-file\",\"Properties\":{\"Note\":\"" + id + "\"}},"
                + "\"Flavor\":{\"Plugin\":\"flavor-vanilla\",\"Properties\":{\"Init\":[\"echo hi\"]}}}}";
    }

    /** {@code infrakit ARGS} in this JVM, on the first operator's etcd prefix. */
    private InProcessCli.Run cli(String... args) {
        java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of(args));
        all.addAll(java.util.List.of("--etcd", String.join(",", ETCD.endpoints()), "--prefix", op.keys.prefix()));
        return InProcessCli.run(all.toArray(String[]::new));
    }

    private long otherRevision(String id) {
        return other.store.get(other.keys.group(id)).map(KeyValue::modRevision).orElse(0L);
    }

    private GroupStatus awaitHeld(String id, int n) {
        return op.awaitStatus(id, WAIT, "held by " + OTHER + " with " + n + " converged instances",
                s -> OTHER.equals(s.groupPlugin()) && s.converged() && s.observed() == n);
    }

    @Test
    void aDelegatedGroupsWholeLife() {
        GroupWrites.Commit pretend = writes.commit(spec("web", OTHER, 2), Author.USER, true);
        assertThat(pretend.details()).isEqualTo("Managing 2 instances");
        assertThat(op.store.get(op.keys.group("web"))).isEmpty();
        assertThat(other.store.get(other.keys.group("web"))).isEmpty();

        GroupWrites.Commit c = writes.commit(spec("web", OTHER, 2), Author.USER, false);
        assertThat(c.details()).isEqualTo("Managing 2 instances");
        // Stored as written, the plugin's properties untouched; forwarded without Plugin, as InfraKit's manager does.
        assertThat(Json.parse(op.store.get(op.keys.group("web")).orElseThrow().value()))
                .isEqualTo(Json.parse(spec("web", OTHER, 2)));
        GroupStatus held = awaitHeld("web", 2);
        assertThat(held.state()).isEqualTo(GroupState.CONVERGED);
        assertThat(held.specRevision()).isEqualTo(c.revision());
        assertThat(held.instancePlugin()).isNull();
        assertThat(Json.parse(other.store.get(other.keys.group("web")).orElseThrow().value()).has("Plugin")).isFalse();
        other.awaitConverged("web", 2, WAIT);
        assertThat(files(instances)).hasSize(2);
        assertThat(files(ownInstances)).isEmpty();

        // A change is forwarded; the other operator converges it.
        writes.commit(spec("web", OTHER, 3), Author.USER, false);
        awaitHeld("web", 3);
        assertThat(files(instances)).hasSize(3);

        // The CLI shows it beside the others, with the plugin that holds it and the instances it describes.
        JsonNode listed = Json.parse(cli("group", "ls", "-o", "json").out());
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).path("GroupPlugin").asText()).isEqualTo(OTHER);
        assertThat(listed.get(0).path("Observed").asLong()).isEqualTo(3);
        assertThat(listed.get(0).path("Desired").isNull()).isTrue();
        InProcessCli.Run described = cli("group", "describe", "web", "--plugins-dir", sockets.toString());
        assertThat(described.exitCode()).as(described.err()).isZero();
        assertThat(described.out().lines().toList()).hasSize(5)
                .startsWith("Group web: converged, 3 instances, held by group plugin ops-group");

        // Free: FreeGroup there (its instances stay), free here.
        writes.free("web", Author.USER);
        op.awaitStatus("web", WAIT, "free", s -> s.state() == GroupState.FREE && OTHER.equals(s.groupPlugin()));
        Await.until(WAIT, "freed on the other operator", () -> other.store.get(other.keys.free("web")).isPresent());
        assertThat(files(instances)).hasSize(3);
        writes.commit(spec("web", OTHER, 3), Author.USER, false);
        Await.until(WAIT, "taken back on the other operator", () -> other.store.get(other.keys.free("web")).isEmpty());
        awaitHeld("web", 3);

        // Deleting the spec: DestroyGroup there, which destroys the instances; the status goes.
        writes.destroy("web", Author.USER);
        Await.until(WAIT, "instances destroyed by the other operator", () -> files(instances).isEmpty());
        Await.until(WAIT, "status removed", () -> op.status("web").isEmpty());
        Await.until(WAIT, "spec gone from the other operator", () -> other.store.get(other.keys.group("web")).isEmpty());
    }

    @SuppressWarnings("try") // resources held open for the block, not used by name
    @Test
    void propertiesAreValidatedByTheirPluginAndMissingPluginsSaySo() throws IOException {
        String blank = "{\"ID\":\"bad\",\"Plugin\":\"" + OTHER + "\",\"Properties\":{\"Instance\":{\"Plugin\":"
                + "\"instance-file\"},\"Flavor\":{\"Plugin\":\"flavor-vanilla\"}}}";
        assertThatThrownBy(() -> writes.commit(blank, Author.USER, false)).isInstanceOf(WriteException.class)
                .hasMessage("Group plugin 'ops-group' refused the spec: Allocation must not be blank");
        assertThatThrownBy(() -> writes.commit(spec("bad", "my-group", 1), Author.USER, false))
                .isInstanceOf(WriteException.class)
                .hasMessageStartingWith("Group plugin 'my-group' is not running: group plugin 'my-group' not found in "
                        + sockets);
        try (PluginServer notGroup = PluginServer.builder().instance(new FileInstancePlugin(instances))
                .start(sockets.resolve("instances"))) {
            assertThatThrownBy(() -> writes.commit(spec("bad", "instances", 1), Author.USER, false))
                    .isInstanceOf(WriteException.class)
                    .hasMessage("Group plugin 'instances' cannot take the spec: Plugin does not support interface "
                            + "{Group 0.1.0}");
        }
        assertThat(op.store.get(op.keys.group("bad"))).isEmpty();
        // Plugin "group" is the operator's own: its rules apply.
        assertThatThrownBy(() -> writes.commit(spec("bad", "group", 0).replace("{\"Size\":0}", "{}"), Author.USER,
                false)).hasMessage("Allocation must not be blank");
    }

    @Test
    void aVanishedPluginShowsInTheStatusAndANewLeaderCommitsOnce() throws IOException {
        writes.commit(spec("api", OTHER, 1), Author.USER, false);
        awaitHeld("api", 1);
        long committed = otherRevision("api");

        otherSocket.close();
        GroupStatus gone = op.awaitStatus("api", WAIT, "in error", s -> s.state() == GroupState.ERROR);
        assertThat(gone.groupPlugin()).isEqualTo(OTHER);
        assertThat(gone.error().message()).startsWith("DescribeGroup failed: ").contains(OTHER);
        serveOther();
        awaitHeld("api", 1);
        assertThat(otherRevision("api")).as("the plugin still had the group: no commit").isEqualTo(committed);

        // A new leader term commits every delegated spec once, then only describes.
        op.controller().standDown();
        op.controller().lead(LeaderTerm.standalone());
        Await.until(WAIT, "committed by the new leader", () -> otherRevision("api") > committed);
        long recommitted = otherRevision("api");
        LocalOperator.pause(2500); // two resyncs
        assertThat(otherRevision("api")).as("committed once").isEqualTo(recommitted);
        awaitHeld("api", 1);
    }
}
