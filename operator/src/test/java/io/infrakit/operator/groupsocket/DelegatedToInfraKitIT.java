package io.infrakit.operator.groupsocket;

import static io.infrakit.operator.groupsocket.LocalOperator.files;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infrakit.operator.group.GroupState;
import io.infrakit.operator.group.GroupStatus;
import io.infrakit.operator.testing.InfraKitGo;
import io.infrakit.operator.write.Author;
import io.infrakit.operator.write.GroupWrites;
import io.infrakit.operator.write.WriteException;
import io.infrakit.plugins.PluginLookup;
import io.infrakit.plugins.PluginRegistry;
import io.infrakit.plugins.discovery.LocalPluginDirectory;
import io.infrakit.plugins.discovery.RemotePluginLookup;
import io.infrakit.plugins.rpc.PluginAddress;
import io.infrakit.plugins.rpc.RemoteGroupPlugin;
import io.infrakit.plugins.rpc.RpcClient;
import io.infrakit.store.testing.Await;
import io.infrakit.store.testing.EtcdCluster;
import java.nio.file.Files;
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
 * Specs delegated to InfraKit v0.5's own group plugin, {@code infrakit-group-default} started as
 * {@code my-group}, which drives InfraKit's own file instance plugin and vanilla flavor: the Go programs, built by
 * {@link InfraKitGo} (skipped where they cannot be). Real etcd, real sockets, real processes.
 */
@Timeout(180)
class DelegatedToInfraKitIT {

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.single();

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir(factory = ShortTempDir.class)
    Path sockets;
    @TempDir
    Path instances;
    @TempDir
    Path logs;

    private InfraKitGo.Plugin files;
    private InfraKitGo.Plugin vanilla;
    private InfraKitGo.Plugin group;
    private LocalOperator op;
    private GroupWrites writes;

    @BeforeEach
    void start() {
        InfraKitGo.binaries();
        files = InfraKitGo.start(InfraKitGo.INSTANCE_FILE, sockets, "instance-file", logs.resolve("file.log"),
                "--dir", instances.toString());
        vanilla = InfraKitGo.start(InfraKitGo.FLAVOR_VANILLA, sockets, "flavor-vanilla", logs.resolve("vanilla.log"));
        group = startGroup();
        PluginLookup plugins = new PluginRegistry()
                .orElse(new RemotePluginLookup(new LocalPluginDirectory(sockets), Duration.ofSeconds(5)));
        op = new LocalOperator(ETCD, "infrakit", plugins, Duration.ofSeconds(1)).start();
        writes = new GroupWrites(op.store, op.keys, plugins, Clock.systemUTC());
    }

    private InfraKitGo.Plugin startGroup() {
        return InfraKitGo.start(InfraKitGo.GROUP, sockets, "my-group", logs.resolve("group.log"),
                "--poll-interval", "1s");
    }

    @AfterEach
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {op, group, vanilla, files}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
    }

    private static String spec(String id, int size) {
        return "{\"ID\":\"" + id + "\",\"Plugin\":\"my-group\",\"Properties\":{\"Allocation\":{\"Size\":" + size
                + "},\"Instance\":{\"Plugin\":\"instance-file\",\"Properties\":{\"Note\":\"" + id + "\"}},"
                + "\"Flavor\":{\"Plugin\":\"flavor-vanilla\",\"Properties\":{\"Init\":[\"echo hi\"]}}}}";
    }

    private GroupStatus awaitHeld(String id, int n) {
        return op.awaitStatus(id, WAIT, "held by my-group with " + n + " converged instances",
                s -> "my-group".equals(s.groupPlugin()) && s.converged() && s.observed() == n);
    }

    private RemoteGroupPlugin direct() {
        return new RemoteGroupPlugin(new RpcClient(new PluginAddress.Unix(sockets.resolve("my-group")),
                Duration.ofSeconds(5)));
    }

    @Test
    void infraKitsGroupPluginConvergesWhatTheOperatorForwards() throws Exception {
        String blank = "{\"ID\":\"web\",\"Plugin\":\"my-group\",\"Properties\":{\"Instance\":{\"Plugin\":"
                + "\"instance-file\"},\"Flavor\":{\"Plugin\":\"flavor-vanilla\"}}}";
        assertThatThrownBy(() -> writes.commit(blank, Author.USER, false)).isInstanceOf(WriteException.class)
                .hasMessage("Group plugin 'my-group' refused the spec: Allocation must not be blank");
        assertThat(writes.commit(spec("web", 2), Author.USER, true).details()).isEqualTo("Managing 2 instances");
        assertThat(direct().inspectGroups()).isEmpty();

        assertThat(writes.commit(spec("web", 2), Author.USER, false).details()).isEqualTo("Managing 2 instances");
        awaitHeld("web", 2);
        assertThat(files(instances)).hasSize(2);
        assertThat(direct().inspectGroups()).extracting(g -> g.id()).containsExactly("web");

        assertThat(writes.commit(spec("web", 3), Author.USER, false).details())
                .isEqualTo("Adding 1 instances to increase the group size to 3");
        awaitHeld("web", 3);
        assertThat(files(instances)).hasSize(3);

        // InfraKit's group plugin keeps its groups in memory: killed, its group shows as an error; restarted, it
        // has forgotten the group, and the leader gives it the spec again. Its instances are found by their tags.
        group.kill9();
        GroupStatus gone = op.awaitStatus("web", WAIT, "in error", s -> s.state() == GroupState.ERROR);
        assertThat(gone.error().message()).startsWith("DescribeGroup failed: ");
        Files.deleteIfExists(sockets.resolve("my-group")); // v0.5 does not start on a stale socket
        group = startGroup();
        awaitHeld("web", 3);
        assertThat(direct().inspectGroups()).extracting(g -> g.id()).containsExactly("web");
        assertThat(files(instances)).hasSize(3);

        // Free: InfraKit's plugin forgets the group and leaves its instances.
        writes.free("web", Author.USER);
        op.awaitStatus("web", WAIT, "free", s -> s.state() == GroupState.FREE);
        Await.until(WAIT, "freed in InfraKit's plugin", () -> direct().inspectGroups().isEmpty());
        assertThat(files(instances)).hasSize(3);
        writes.commit(spec("web", 3), Author.USER, false);
        awaitHeld("web", 3);

        // Deleted: DestroyGroup, and InfraKit's plugin destroys the instances.
        writes.destroy("web", Author.USER);
        Await.until(WAIT, "instances destroyed by InfraKit's plugin", () -> files(instances).isEmpty());
        Await.until(WAIT, "status removed", () -> op.status("web").isEmpty());
        assertThat(direct().inspectGroups()).isEmpty();
    }
}
