package io.infrakit.operator.groupsocket;

import static io.infrakit.operator.groupsocket.LocalOperator.cattle;
import static io.infrakit.operator.groupsocket.LocalOperator.files;
import static org.assertj.core.api.Assertions.assertThat;

import io.infrakit.operator.group.GroupStatus;
import io.infrakit.plugins.discovery.LocalPluginDirectory;
import io.infrakit.plugins.discovery.RemotePluginLookup;
import io.infrakit.plugins.rpc.PluginAddress;
import io.infrakit.plugins.rpc.RpcClient;
import io.infrakit.store.testing.Await;
import io.infrakit.store.testing.EtcdCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A group converging through the file instance plugin and the vanilla flavor served by {@code infrakit plugin start}
 * in a process of their own, which is killed with SIGKILL and started again: the group waits in an error state,
 * then converges, and none of its instances is lost.
 */
@Tag("heavy")
@Timeout(120)
class RemotePluginProcessIT {

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.single();

    @TempDir(factory = ShortTempDir.class)
    Path sockets;
    @TempDir
    Path files;
    @TempDir
    Path logs;

    private CliProcess startPlugins(String log) {
        CliProcess p = CliProcess.start(logs.resolve(log), Map.of("INFRAKIT_PLUGINS_DIR", sockets.toString()),
                "plugin", "start", "file", "vanilla", "--file-dir", files.toString());
        for (String name : List.of("instance-file", "flavor-vanilla")) {
            RpcClient client = new RpcClient(new PluginAddress.Unix(sockets.resolve(name)), Duration.ofSeconds(2));
            Await.until(Duration.ofSeconds(30), name + " answering; output:\n" + p.output(), () -> {
                try {
                    return !client.implementedInterfaces().isEmpty();
                } catch (RuntimeException e) {
                    return false;
                }
            });
        }
        return p;
    }

    @Test
    void theGroupReconvergesAfterThePluginProcessIsKilledAndRestarted() {
        // No built-ins: both plugins the spec names can only be the child's.
        RemotePluginLookup remote = new RemotePluginLookup(new LocalPluginDirectory(sockets), Duration.ofSeconds(2));
        try (CliProcess first = startPlugins("plugins-1.log");
             LocalOperator op = new LocalOperator(ETCD, "remote", remote, Duration.ofSeconds(1)).start()) {
            op.put("web", cattle("web", 3, "instance-file", "flavor-vanilla"));
            op.awaitConverged("web", 3, Duration.ofSeconds(20));
            List<String> before = files(files);
            assertThat(before).hasSize(3);

            first.kill9();
            long scaled = op.put("web", cattle("web", 4, "instance-file", "flavor-vanilla"));
            GroupStatus down = op.awaitStatus("web", Duration.ofSeconds(20), "an error while the plugins are down",
                    s -> s.error() != null && s.specRevision() == scaled);
            assertThat(down.error().message()).contains("cannot connect to plugin at unix://" + sockets);
            assertThat(files(files)).isEqualTo(before);

            try (CliProcess second = startPlugins("plugins-2.log")) {
                GroupStatus after = op.awaitConverged("web", 4, Duration.ofSeconds(40));

                assertThat(after.error()).isNull();
                assertThat(files(files)).hasSize(4).containsAll(before);
                assertThat(second.isAlive()).isTrue();
            }
        }
    }
}
