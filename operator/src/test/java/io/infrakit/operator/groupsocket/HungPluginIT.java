package io.infrakit.operator.groupsocket;

import static io.infrakit.operator.groupsocket.LocalOperator.cattle;
import static io.infrakit.operator.groupsocket.LocalOperator.files;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.infrakit.operator.group.GroupStatus;
import io.infrakit.plugins.PluginRegistry;
import io.infrakit.plugins.discovery.LocalPluginDirectory;
import io.infrakit.plugins.discovery.RemotePluginLookup;
import io.infrakit.store.testing.EtcdCluster;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A plugin that accepts connections and never answers costs its group a timeout per call, and nobody else anything. */
@Timeout(90)
class HungPluginIT {

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.single();

    @TempDir(factory = ShortTempDir.class)
    Path sockets;
    @TempDir
    Path files;

    @Test
    void anotherGroupKeepsConvergingWhileOnePluginHangs() throws Exception {
        RemotePluginLookup remote = new RemotePluginLookup(new LocalPluginDirectory(sockets),
                Duration.ofMillis(500));
        try (HungSocket hung = new HungSocket(sockets.resolve("instance-hung"));
             LocalOperator op = new LocalOperator(ETCD, "hung", PluginRegistry.builtins(files).orElse(remote),
                     Duration.ofSeconds(1)).start()) {
            op.put("a", cattle("a", 2, "instance-hung", "vanilla"));
            op.put("b", cattle("b", 3, "instance-file", "vanilla"));

            op.awaitConverged("b", 3, Duration.ofSeconds(15));
            GroupStatus a = op.awaitStatus("a", Duration.ofSeconds(15), "a timeout error", s -> s.error() != null);
            assertThat(a.error().message()).startsWith("Failed to find Instance plugin 'instance-hung':plugin at unix://"
                    + sockets.resolve("instance-hung")).contains("did not answer").contains("within 500ms");

            // A is retried (each time against the hung socket); B still converges, at once, meanwhile.
            await("a retried twice more").atMost(Duration.ofSeconds(20)).until(() -> hung.accepted() >= 3);
            long start = System.nanoTime();
            op.put("b", cattle("b", 6, "instance-file", "vanilla"));
            op.awaitConverged("b", 6, Duration.ofSeconds(15));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThat(files(files)).hasSize(6);
            assertThat(op.status("a").orElseThrow().error()).isNotNull();
            assertThat(op.status("a").orElseThrow().observed()).as("unknown: the plugin cannot be asked").isNull();
        }
    }

    /** Accepts every connection, reads nothing, answers nothing; closes them all at the end. */
    private static final class HungSocket implements AutoCloseable {
        private final ServerSocketChannel server;
        private final List<SocketChannel> held = new CopyOnWriteArrayList<>();
        private final Thread acceptor;

        HungSocket(Path path) throws IOException {
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(path));
            acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(server.accept());
                    }
                } catch (IOException e) {
                    // closed
                }
            }, "hung-plugin");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int accepted() {
            return held.size();
        }

        @Override
        public void close() throws IOException {
            server.close();
            try {
                acceptor.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (SocketChannel c : held) {
                c.close();
            }
        }
    }
}
