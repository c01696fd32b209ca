package io.infrakit.operator.groupsocket;

import static io.infrakit.operator.groupsocket.LocalOperator.cattle;
import static io.infrakit.operator.groupsocket.LocalOperator.files;
import static org.assertj.core.api.Assertions.assertThat;

import io.infrakit.operator.group.GroupState;
import io.infrakit.operator.group.GroupStatus;
import io.infrakit.plugins.PluginRegistry;
import io.infrakit.plugins.discovery.LocalPluginDirectory;
import io.infrakit.plugins.discovery.RemotePluginLookup;
import io.infrakit.plugins.file.FileInstancePlugin;
import io.infrakit.plugins.rpc.InterfaceSpec;
import io.infrakit.plugins.rpc.PluginServer;
import io.infrakit.store.testing.EtcdCluster;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A spec naming a plugin that is neither built in nor in the plugin directory: its status says which directory was
 * searched, and the group converges once the plugin's socket appears there, with no new commit.
 */
@Timeout(60)
class PluginDiscoveryIT {

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.single();

    @TempDir(factory = ShortTempDir.class)
    Path sockets;
    @TempDir
    Path builtinFiles;
    @TempDir
    Path laterFiles;

    @Test
    void anUnknownPluginIsNamedWithTheDirectoryAndPickedUpWhenItAppears() throws Exception {
        RemotePluginLookup remote = new RemotePluginLookup(new LocalPluginDirectory(sockets), Duration.ofSeconds(2));
        try (LocalOperator op = new LocalOperator(ETCD, "discovery",
                PluginRegistry.builtins(builtinFiles).orElse(remote), Duration.ofSeconds(1)).start()) {
            op.put("late", cattle("late", 2, "instance-later", "vanilla"));

            GroupStatus failing = op.awaitStatus("late", Duration.ofSeconds(15), "an error",
                    s -> s.error() != null);
            assertThat(failing.state()).isEqualTo(GroupState.ERROR);
            assertThat(failing.error().message())
                    .startsWith("Failed to find Instance plugin 'instance-later':instance plugin 'instance-later' "
                            + "not found in " + sockets)
                    .contains("instance-file"); // the built-in names are listed as known

            try (PluginServer later = PluginServer.builder().instance(new FileInstancePlugin(laterFiles))
                    .start(sockets.resolve("instance-later"))) {
                GroupStatus converged = op.awaitConverged("late", 2, Duration.ofSeconds(40));

                assertThat(later.interfaces()).containsExactly(InterfaceSpec.INSTANCE_0_5_0);
                assertThat(converged.error()).isNull();
                assertThat(converged.instancePlugin()).isEqualTo("instance-later");
                assertThat(files(laterFiles)).hasSize(2);
                assertThat(files(builtinFiles)).isEmpty();
            }
        }
    }
}
