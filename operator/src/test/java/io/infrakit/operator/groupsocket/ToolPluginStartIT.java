package io.infrakit.operator.groupsocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.rpc.PluginAddress;
import io.infrakit.plugins.rpc.RemoteInstancePlugin;
import io.infrakit.plugins.rpc.RpcClient;
import io.infrakit.plugins.spi.InstanceSpec;
import io.infrakit.plugins.spi.PluginException;
import io.infrakit.plugins.testing.Tools;
import io.infrakit.store.testing.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code infrakit plugin start terraform vagrant}: the tool plugins on sockets, for InfraKit's own tools. */
@Tag("heavy")
@Timeout(120)
class ToolPluginStartIT {

    @TempDir(factory = ShortTempDir.class)
    Path sockets;
    @TempDir
    Path dir;

    private static RemoteInstancePlugin client(Path socket) {
        return new RemoteInstancePlugin(new RpcClient(new PluginAddress.Unix(socket), Duration.ofSeconds(30)), "");
    }

    @Test
    void terraformAndVagrantAreServedUnderInfraKitsNames() {
        String tofu = Tools.tofu().toString();
        try (CliProcess plugins = CliProcess.start(dir.resolve("start.log"),
                Map.of("INFRAKIT_PLUGINS_DIR", sockets.toString()), "plugin", "start", "terraform", "vagrant",
                "--terraform-dir", dir.resolve("tf").toString(), "--terraform-bin", tofu,
                "--vagrant-dir", dir.resolve("vagrant").toString(), "--vagrant-bin", "/nonexistent/vagrant")) {
            Await.until(Duration.ofSeconds(30), "serving; output:\n" + plugins.output(), () -> plugins.output()
                    .lines().filter(l -> l.startsWith("serving ")).count() == 2);

            RemoteInstancePlugin terraform = client(sockets.resolve("instance-terraform"));
            String id = terraform.provision(new InstanceSpec(Json.parse(
                    "{\"resource\": {\"terraform_data\": {\"vm\": {}}}}"), Map.of("infrakit.group", "g"), "echo hi",
                    null, null));
            assertThat(terraform.describeInstances(Map.of("infrakit.group", "g"), false)).singleElement()
                    .satisfies(d -> assertThat(d.id()).isEqualTo(id));
            assertThat(dir.resolve("tf").resolve(id + ".tf.json")).exists();
            terraform.destroy(id, "terminate");
            assertThat(terraform.describeInstances(Map.of(), false)).isEmpty();

            // A missing binary reaches InfraKit's tools as the plugin's error.
            assertThatThrownBy(() -> client(sockets.resolve("instance-vagrant")).validate(Json.parse(
                    "{\"Box\": \"bento/ubuntu-16.04\"}"))).isInstanceOf(PluginException.class)
                    .hasMessageContaining("/nonexistent/vagrant").hasMessageContaining("--vagrant-bin");
        }
    }
}
