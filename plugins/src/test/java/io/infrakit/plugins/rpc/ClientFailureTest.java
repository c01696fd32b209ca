package io.infrakit.plugins.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infrakit.plugins.file.FileInstancePlugin;
import io.infrakit.plugins.memory.InMemoryInstancePlugin;
import io.infrakit.plugins.spi.InstanceSpec;
import io.infrakit.plugins.spi.PluginException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the client does when the plugin is slow, gone, restarted, elsewhere, or answers nonsense. */
class ClientFailureTest {

    private static final String IMPLEMENTS_05 = "{\"APIs\":[{\"Name\":\"Instance\",\"Version\":\"0.5.0\"}]}";

    @TempDir
    Path tmp;

    @Test
    void aHungPluginCostsOneTimeout() throws Exception {
        try (FakePlugin hung = FakePlugin.results(tmp.resolve("hung"), request -> null)) {
            RemoteInstancePlugin remote = new RemoteInstancePlugin(
                    new RpcClient(new PluginAddress.Unix(hung.socket()), Duration.ofMillis(300)), "");
            long start = System.nanoTime();

            assertThatThrownBy(() -> remote.describeInstances(Map.of(), false))
                    .isInstanceOfSatisfying(PluginTransportException.class, e -> assertThat(e.timedOut()).isTrue())
                    .hasMessage("plugin at unix://" + hung.socket()
                            + " did not answer Handshake.Implements within 300ms");
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(took).isBetween(Duration.ofMillis(280), Duration.ofMillis(1500));
        }
    }

    @Test
    void aPluginThatHangsAfterItsHandshakeCostsOneTimeoutForTheWholeCall() throws Exception {
        try (FakePlugin slow = FakePlugin.results(tmp.resolve("slow"), request ->
                request.get("method").asText().equals("Handshake.Implements") ? IMPLEMENTS_05 : null)) {
            RpcClient client = new RpcClient(new PluginAddress.Unix(slow.socket()), Duration.ofMillis(400));
            long start = System.nanoTime();

            assertThatThrownBy(() -> new RemoteInstancePlugin(client, "").destroy("i-1", "terminate"))
                    .isInstanceOf(PluginTransportException.class)
                    .hasMessageContaining("did not answer Instance.Destroy within 400ms");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1500));
        }
    }

    @Test
    @SuppressWarnings("try") // the servers only have to be there
    void aRestartedPluginIsReachedAgainWithoutRestartingTheCaller() throws Exception {
        Path socket = tmp.resolve("instance-file");
        Path dir = tmp.resolve("instances");
        RemoteInstancePlugin remote = new RemoteInstancePlugin(
                new RpcClient(new PluginAddress.Unix(socket), Duration.ofSeconds(5)), "");
        String id;
        try (PluginServer first = PluginServer.builder().instance(new FileInstancePlugin(dir)).start(socket)) {
            id = remote.provision(new InstanceSpec(null, Map.of("g", "1"), "", null, null));
        }
        assertThatThrownBy(() -> remote.describeInstances(Map.of(), false))
                .isInstanceOfSatisfying(PluginTransportException.class, e -> assertThat(e.timedOut()).isFalse());
        try (PluginServer second = PluginServer.builder().instance(new FileInstancePlugin(dir)).start(socket)) {
            assertThat(remote.describeInstances(Map.of("g", "1"), false)).singleElement()
                    .satisfies(d -> assertThat(d.id()).isEqualTo(id));
        }
        // Restarted while the caller was not looking: the next call just works.
        try (PluginServer third = PluginServer.builder().instance(new FileInstancePlugin(dir)).start(socket)) {
            remote.destroy(id, "terminate");
        }
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void answersThatAreNotJsonRpcAreReportedWithWhatCameBack() throws Exception {
        try (FakePlugin fake = FakePlugin.raw(tmp.resolve("odd"), request -> switch (request.get("method").asText()) {
            case "Handshake.Implements" -> FakePlugin.http(200, "{\"jsonrpc\":\"2.0\",\"result\":" + IMPLEMENTS_05
                    + ",\"id\":1}");
            case "Instance.Validate" -> FakePlugin.http(500, "internal trouble\n");
            case "Instance.Label" -> FakePlugin.http(200, "not json");
            case "Instance.Destroy" -> FakePlugin.http(200, "{\"jsonrpc\":\"2.0\",\"result\":null,\"id\":1}");
            case "Instance.Provision" -> FakePlugin.http(200, "{\"jsonrpc\":\"2.0\",\"result\":{\"ID\":7},\"id\":1}");
            default -> FakePlugin.http(200, "{\"jsonrpc\":\"2.0\",\"error\":\"flat\",\"id\":1}");
        })) {
            RemoteInstancePlugin remote = new RemoteInstancePlugin(
                    new RpcClient(new PluginAddress.Unix(fake.socket()), Duration.ofSeconds(5)), "");
            String at = "plugin at unix://" + fake.socket();

            assertThatThrownBy(() -> remote.validate(null))
                    .hasMessage(at + " answered Instance.Validate with HTTP 500: internal trouble");
            assertThatThrownBy(() -> remote.label("i", Map.of()))
                    .hasMessageStartingWith(at + " answered Instance.Label with a malformed reply: not JSON");
            assertThatThrownBy(() -> remote.destroy("i", "terminate"))
                    .hasMessage(at + " answered Instance.Destroy with no result");
            assertThatThrownBy(() -> remote.provision(new InstanceSpec(null, null, "", null, null)))
                    .isExactlyInstanceOf(PluginException.class)
                    .hasMessage(at + " answered Instance.Provision with an unexpected result: result.ID must be a string,"
                            + " got number");
            assertThatThrownBy(() -> remote.describeInstances(Map.of(), false))
                    .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.code()).isEqualTo(-32000))
                    .hasMessage("\"flat\"");
        }
    }

    @Test
    void tcpPluginsAreReachedDirectlyOrThroughTheirListenFile() throws Exception {
        Path listen = tmp.resolve("plugins/instance-tcp.listen");
        try (PluginServer server = PluginServer.builder().instance(new InMemoryInstancePlugin())
                .startTcp(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), listen)) {
            PluginAddress.Tcp tcp = (PluginAddress.Tcp) server.address();
            String content = Files.readString(listen);

            assertThat(content).isEqualTo("tcp://127.0.0.1:" + tcp.port());
            RemoteInstancePlugin viaFile = new RemoteInstancePlugin(new RpcClient(PluginAddress.parse(listen.toString())), "");
            RemoteInstancePlugin direct = new RemoteInstancePlugin(new RpcClient(PluginAddress.parse(content)), "");
            String id = viaFile.provision(new InstanceSpec(null, null, "", null, null));
            assertThat(direct.describeInstances(Map.of(), false)).singleElement()
                    .satisfies(d -> assertThat(d.id()).isEqualTo(id));
        }
        assertThat(listen).doesNotExist();
    }

    @Test
    void theTimeoutComesFromInfraKitsVariableWhenItMakesSense() {
        assertThat(RpcClient.timeoutFromEnvironment(Map.of())).isEqualTo(Duration.ofSeconds(10));
        assertThat(RpcClient.timeoutFromEnvironment(Map.of("INFRAKIT_CLIENT_TIMEOUT", "1s"))).isEqualTo(Duration.ofSeconds(1));
        assertThat(RpcClient.timeoutFromEnvironment(Map.of("INFRAKIT_CLIENT_TIMEOUT", "1m30s")))
                .isEqualTo(Duration.ofSeconds(90));
        assertThat(RpcClient.timeoutFromEnvironment(Map.of("INFRAKIT_CLIENT_TIMEOUT", "soon"))).isEqualTo(Duration.ofSeconds(10));
        assertThat(RpcClient.timeoutFromEnvironment(Map.of("INFRAKIT_CLIENT_TIMEOUT", "0"))).isEqualTo(Duration.ofSeconds(10));
        assertThat(RpcClient.format(Duration.ofMillis(1500))).isEqualTo("1.5s");
    }

    @Test
    void requestIdsAreRandomPositiveLongs() throws Exception {
        try (FakePlugin fake = FakePlugin.results(tmp.resolve("ids"), request -> IMPLEMENTS_05)) {
            RpcClient client = new RpcClient(new PluginAddress.Unix(fake.socket()));
            for (int i = 0; i < 5; i++) {
                client.implementedInterfaces();
            }
            assertThat(fake.requests()).extracting(r -> r.get("id").longValue()).doesNotHaveDuplicates()
                    .allSatisfy(id -> assertThat(id).isPositive());
        }
    }
}
