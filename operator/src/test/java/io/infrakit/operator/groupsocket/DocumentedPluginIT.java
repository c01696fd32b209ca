package io.infrakit.operator.groupsocket;

import static io.infrakit.operator.groupsocket.LocalOperator.cattle;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.infrakit.plugins.PluginRegistry;
import io.infrakit.plugins.discovery.LocalPluginDirectory;
import io.infrakit.plugins.discovery.RemotePluginLookup;
import io.infrakit.plugins.group.Tags;
import io.infrakit.plugins.rpc.PluginAddress;
import io.infrakit.plugins.rpc.RemoteInstancePlugin;
import io.infrakit.plugins.rpc.RpcClient;
import io.infrakit.store.testing.EtcdCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The Python plugin of docs/plugins.md, run as the docs say, converges a group (skipped without python3). */
@Timeout(60)
class DocumentedPluginIT {

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.single();

    @TempDir(factory = ShortTempDir.class)
    Path sockets;
    @TempDir
    Path work;

    /** The first {@code ```python} block of the document. */
    private static String pythonExample() throws IOException {
        String doc = Files.readString(Path.of(System.getProperty("user.dir")).resolveSibling("docs")
                .resolve("plugins.md"));
        int start = doc.indexOf("```python\n");
        assertThat(start).as("a python block in docs/plugins.md").isNotNegative();
        int from = start + "```python\n".length();
        return doc.substring(from, doc.indexOf("```", from));
    }

    private static boolean hasPython() {
        try {
            Process p = new ProcessBuilder("python3", "-c", "import sys; sys.exit(sys.version_info < (3, 7))")
                    .redirectErrorStream(true).start();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Test
    void theDocumentedPythonPluginServesAGroup() throws Exception {
        assumeTrue(hasPython(), "python3 (3.7+) is not installed");
        Path script = work.resolve("instance-mem.py");
        Files.writeString(script, pythonExample());
        Path socket = sockets.resolve("instance-mem");
        Process python = new ProcessBuilder("python3", script.toString(), socket.toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("python.log").toFile()).start();
        try {
            RemoteInstancePlugin direct = new RemoteInstancePlugin(
                    new RpcClient(new PluginAddress.Unix(socket), Duration.ofSeconds(5)), "");
            await("the python plugin answering").atMost(Duration.ofSeconds(20)).until(() -> {
                try {
                    direct.describeInstances(Map.of(), false);
                    return true;
                } catch (RuntimeException e) {
                    return false;
                }
            });
            RemotePluginLookup remote = new RemotePluginLookup(new LocalPluginDirectory(sockets),
                    Duration.ofSeconds(5));
            try (LocalOperator op = new LocalOperator(ETCD, "docs", PluginRegistry.builtins(work.resolve("files"))
                    .orElse(remote), Duration.ofSeconds(1)).start()) {
                op.put("py", cattle("py", 3, "instance-mem", "vanilla"));
                op.awaitConverged("py", 3, Duration.ofSeconds(20));
                assertThat(direct.describeInstances(Map.of(Tags.GROUP, "py"), false)).hasSize(3)
                        .allSatisfy(d -> assertThat(d.tags()).containsEntry("tier", "web"));

                op.put("py", cattle("py", 1, "instance-mem", "vanilla"));
                op.awaitConverged("py", 1, Duration.ofSeconds(20));
                assertThat(direct.describeInstances(Map.of(), false)).hasSize(1);
            }
            assertThat(Files.readString(socket.resolveSibling("instance-mem.pid")).trim())
                    .isEqualTo(Long.toString(python.pid()));
            python.destroy(); // SIGTERM: the example removes its socket and pid file
            assertThat(python.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(socket).doesNotExist();
            assertThat(socket.resolveSibling("instance-mem.pid")).doesNotExist();
        } finally {
            python.destroyForcibly();
        }
    }
}
