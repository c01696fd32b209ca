package io.infrakit.plugins.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.plugins.memory.InMemoryInstancePlugin;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.spi.InstancePlugin;
import io.infrakit.plugins.spi.InstanceSpec;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The socket's files and permissions, stale sockets, shutdown, and threads. */
class PluginServerLifecycleTest {

    @TempDir
    Path tmp;

    private static PluginServer serve(Path socket) throws IOException {
        return PluginServer.builder().instance(new InMemoryInstancePlugin()).start(socket);
    }

    @Test
    void socketIsPrivateWithAPidFileBesideItAndBothGoAtClose() throws Exception {
        Path dir = tmp.resolve("new/plugins");
        Path socket = dir.resolve("instance-file");
        PluginServer server = serve(socket);

        assertThat(Files.getPosixFilePermissions(dir)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(Files.getPosixFilePermissions(socket)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(SocketFiles.isSocket(socket)).isTrue();
        assertThat(server.pidFile()).isEqualTo(dir.resolve("instance-file.pid"));
        assertThat(Files.readString(server.pidFile())).isEqualTo(Long.toString(ProcessHandle.current().pid()));
        assertThat(Files.list(dir).map(p -> p.getFileName().toString()))
                .containsExactlyInAnyOrder("instance-file", "instance-file.pid");

        server.close();
        server.close();

        assertThat(Files.list(dir)).isEmpty();
    }

    @Test
    void anExistingDirectoryKeepsItsPermissions() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("shared"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-x---"));
        try (PluginServer server = serve(dir.resolve("p"))) {
            assertThat(server.address()).isEqualTo(new PluginAddress.Unix(dir.resolve("p")));
            assertThat(Files.getPosixFilePermissions(dir)).isEqualTo(PosixFilePermissions.fromString("rwxr-x---"));
        }
    }

    @Test
    void aStaleSocketIsReplacedAndALiveOneRefused() throws Exception {
        Path socket = tmp.resolve("instance-file");
        try (ServerSocketChannel crashed = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            crashed.bind(UnixDomainSocketAddress.of(socket)); // closing leaves the file behind, as a crash would
        }
        assertThat(SocketFiles.isSocket(socket)).isTrue();
        assertThat(SocketFiles.isLive(socket)).isFalse();

        try (PluginServer server = serve(socket)) {
            assertThat(new RpcClient(server.address()).implementedInterfaces()).containsExactly(InterfaceSpec.INSTANCE_0_5_0);
            assertThatThrownBy(() -> serve(socket)).isInstanceOf(IOException.class)
                    .hasMessage("another plugin is listening on " + socket);
            assertThat(new RpcClient(server.address()).implementedInterfaces()).hasSize(1); // still ours, still there
        }
    }

    @Test
    void aFileThatIsNotASocketIsLeftAlone() throws Exception {
        Path file = Files.writeString(tmp.resolve("notes"), "keep me");

        assertThatThrownBy(() -> serve(file)).isInstanceOf(FileAlreadyExistsException.class);
        assertThat(Files.readString(file)).isEqualTo("keep me");
    }

    @Test
    void tooLongASocketPathIsAClearError() {
        Path deep = tmp.resolve("a".repeat(60)).resolve("b".repeat(60));

        assertThatThrownBy(() -> serve(deep)).isInstanceOf(IOException.class)
                .hasMessageContaining("the limit for Unix sockets");
    }

    @Test
    void aSuccessorsSocketIsNotRemovedByTheOldServer() throws Exception {
        Path socket = tmp.resolve("p");
        PluginServer old = serve(socket);
        Files.delete(socket); // someone cleaned up, and a new server took the name
        try (PluginServer successor = serve(socket)) {
            old.close();
            assertThat(SocketFiles.isLive(socket)).isTrue();
            assertThat(successor.pidFile()).exists();
            assertThat(new RpcClient(successor.address()).implementedInterfaces()).hasSize(1);
        }
    }

    @Test
    void closeEndsIdleKeptAliveConnectionsPromptlyAndLeavesNoThreads() throws Exception {
        PluginServer server = serve(tmp.resolve("p"));
        RawClient[] clients = new RawClient[5];
        for (int i = 0; i < clients.length; i++) {
            clients[i] = RawClient.connect(tmp.resolve("p"));
            clients[i].exchange(RawClient.post("{\"jsonrpc\":\"2.0\",\"method\":\"Handshake.Types\",\"params\":{},\"id\":1}"));
        }
        assertThat(rpcThreads()).isNotEmpty();
        long start = System.nanoTime();

        server.close();

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        for (RawClient c : clients) {
            assertThat(c.closedByServer()).isTrue();
            c.close();
        }
        awaitNoRpcThreads();
    }

    @Test
    void closeLetsARequestInProgressFinish() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        InstancePlugin slow = slowPlugin(inside, 300);
        PluginServer server = PluginServer.builder().instance(slow).start(tmp.resolve("slow"));
        RemoteInstancePlugin remote = new RemoteInstancePlugin(new RpcClient(server.address()), "");
        remote.negotiatedInterface();

        CompletableFuture<String> call = CompletableFuture.supplyAsync(
                () -> remote.provision(new InstanceSpec(null, null, "", null, null)));
        assertThat(inside.await(5, TimeUnit.SECONDS)).isTrue();
        server.close();

        assertThat(call.get(5, TimeUnit.SECONDS)).isEqualTo("slow-1");
        awaitNoRpcThreads();
    }

    @Test
    void closeGivesUpOnAHungPluginAfterTheGrace() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        PluginServer server = PluginServer.builder().instance(slowPlugin(inside, 60_000))
                .shutdownGrace(Duration.ofMillis(200)).start(tmp.resolve("hung"));
        RemoteInstancePlugin remote = new RemoteInstancePlugin(new RpcClient(server.address()), "");
        remote.negotiatedInterface();
        CompletableFuture<String> call = CompletableFuture.supplyAsync(
                () -> remote.provision(new InstanceSpec(null, null, "", null, null)));
        assertThat(inside.await(5, TimeUnit.SECONDS)).isTrue();
        long start = System.nanoTime();

        server.close();

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        assertThat(call).failsWithin(Duration.ofSeconds(5)).withThrowableThat()
                .havingRootCause().isInstanceOf(IOException.class);
        awaitNoRpcThreads();
    }

    @Test
    void serverNeedsSomethingToServeAndKnownVersions() {
        assertThatThrownBy(() -> PluginServer.builder().start(tmp.resolve("x")))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> PluginServer.builder().instanceVersion("0.3.0"))
                .hasMessage("Instance version 0.3.0 is not one this server speaks: [0.5.0, 0.6.0, 0.6.1]");
        assertThatThrownBy(() -> PluginServer.builder().flavor(".", new io.infrakit.plugins.vanilla.VanillaFlavorPlugin()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(tmp.resolve("x")).doesNotExist();
    }

    static InstancePlugin slowPlugin(CountDownLatch inside, long millis) {
        return new InstancePlugin() {
            @Override
            public void validate(JsonNode properties) {
            }

            @Override
            public String provision(InstanceSpec spec) {
                inside.countDown();
                try {
                    Thread.sleep(millis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted");
                }
                return "slow-1";
            }

            @Override
            public void label(String instanceId, Map<String, String> labels) {
            }

            @Override
            public void destroy(String instanceId, String reason) {
            }

            @Override
            public List<InstanceDescription> describeInstances(Map<String, String> tags, boolean properties) {
                return List.of();
            }
        };
    }

    private static List<Thread> rpcThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("infrakit-rpc-")).toList();
    }

    private static void awaitNoRpcThreads() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (!rpcThreads().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(rpcThreads()).isEmpty();
    }
}
