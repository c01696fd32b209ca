package io.infrakit.plugins.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infrakit.plugins.json.GoJson;
import io.infrakit.plugins.memory.InMemoryInstancePlugin;
import io.infrakit.plugins.spi.Allocation;
import io.infrakit.plugins.vanilla.VanillaFlavorPlugin;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client's handshake: which versions it accepts, InfraKit's error wording, what is remembered. */
class HandshakeTest {

    private static final String INSTANCE_0_3 = "{\"APIs\":[{\"Name\":\"Instance\",\"Version\":\"0.3.0\"}]}";

    @TempDir
    Path tmp;

    private static RpcClient client(Path socket) {
        return new RpcClient(new PluginAddress.Unix(socket), Duration.ofSeconds(5));
    }

    @Test
    void aPluginOfAnotherKindIsRefusedInInfraKitsWords() throws Exception {
        try (PluginServer flavor = PluginServer.builder().flavor(new VanillaFlavorPlugin()).start(tmp.resolve("f"))) {
            RemoteInstancePlugin remote = new RemoteInstancePlugin(new RpcClient(flavor.address()), "");

            assertThatThrownBy(() -> remote.describeInstances(Map.of(), false))
                    .isInstanceOf(UnsupportedInterfaceException.class)
                    .hasMessage("Plugin does not support interface {Instance 0.5.0}");
        }
    }

    @Test
    void anOlderVersionIsRefusedAndTheAnswerRemembered() throws Exception {
        try (FakePlugin fake = FakePlugin.results(tmp.resolve("old"), request -> INSTANCE_0_3)) {
            RemoteInstancePlugin remote = new RemoteInstancePlugin(client(fake.socket()), "");

            for (int i = 0; i < 3; i++) {
                assertThatThrownBy(() -> remote.destroy("i-1", "terminate"))
                        .isInstanceOf(UnsupportedInterfaceException.class)
                        .hasMessage("Plugin supports Instance interface version 0.3.0, client requires 0.5.0");
            }
            assertThat(fake.methods()).containsExactly("Handshake.Implements");
        }
    }

    @Test
    void flavorVersionsAreCheckedToo() throws Exception {
        try (FakePlugin fake = FakePlugin.results(tmp.resolve("f"),
                request -> "{\"APIs\":[{\"Name\":\"Flavor\",\"Version\":\"0.2.0\"}]}")) {
            RemoteFlavorPlugin remote = new RemoteFlavorPlugin(client(fake.socket()), "");

            assertThatThrownBy(() -> remote.validate(null, Allocation.ofSize(1)))
                    .hasMessage("Plugin supports Flavor interface version 0.2.0, client requires 0.1.0");
        }
    }

    @Test
    void aClientCanInsistOnOneVersion() throws Exception {
        try (PluginServer server = PluginServer.builder().instance(new InMemoryInstancePlugin()).latestVersions()
                .start(tmp.resolve("i"))) {
            RemoteInstancePlugin strict = new RemoteInstancePlugin(new RpcClient(server.address()), "", List.of("0.5.0"));

            assertThatThrownBy(strict::negotiatedInterface)
                    .hasMessage("Plugin supports Instance interface version 0.6.1, client requires 0.5.0");
        }
    }

    @Test
    @SuppressWarnings("try") // the server only has to be there
    void aHandshakeThatCouldNotHappenIsTriedAgainOnTheNextCall() throws Exception {
        Path socket = tmp.resolve("late");
        RemoteInstancePlugin remote = new RemoteInstancePlugin(client(socket), "");

        assertThatThrownBy(() -> remote.describeInstances(Map.of(), false))
                .isInstanceOf(PluginTransportException.class)
                .hasMessageStartingWith("cannot connect to plugin at unix://" + socket);
        try (PluginServer server = PluginServer.builder().instance(new InMemoryInstancePlugin()).start(socket)) {
            assertThat(remote.describeInstances(Map.of(), false)).isEmpty();
        }
    }

    @Test
    void pluginsOfInfraKitsLastVersionsAreAskedWithHello() throws Exception {
        try (FakePlugin fake = FakePlugin.raw(tmp.resolve("head"), request -> switch (request.get("method").asText()) {
            case "Handshake.Hello" -> FakePlugin.http(200, "{\"jsonrpc\":\"2.0\",\"result\":{\"Objects\":{"
                    + "\"Instance/0.6.1\":[{\"Name\":\".\",\"ProxyFor\":\"\"}]}},\"id\":" + request.get("id") + "}\n");
            case "Instance.Destroy" -> FakePlugin.http(200, "{\"jsonrpc\":\"2.0\",\"result\":{\"Type\":\"\",\"OK\":true},"
                    + "\"id\":" + request.get("id") + "}\n");
            default -> FakePlugin.error(request, "rpc: can't find method \"" + request.get("method").asText() + "\"");
        })) {
            RemoteInstancePlugin remote = new RemoteInstancePlugin(client(fake.socket()), "");

            remote.destroy("i-9", "rolling_update");

            assertThat(remote.negotiatedInterface()).isEqualTo(InterfaceSpec.INSTANCE_0_6_1);
            assertThat(fake.methods()).containsExactly("Handshake.Implements", "Handshake.Hello", "Instance.Destroy");
            assertThat(GoJson.compact(fake.requests().get(2).get("params")))
                    .isEqualTo("{\"Type\":\"\",\"Instance\":\"i-9\",\"Context\":{\"Reason\":\"rolling_update\"}}");
        }
    }

    @Test
    @SuppressWarnings("try") // the servers only have to be there
    void aPluginThatRestartsAsAnotherVersionIsHandshakenAgain() throws Exception {
        Path socket = tmp.resolve("i");
        RemoteInstancePlugin remote = new RemoteInstancePlugin(client(socket), "");
        try (PluginServer old = PluginServer.builder().instance(new InMemoryInstancePlugin()).start(socket)) {
            assertThat(remote.negotiatedInterface()).isEqualTo(InterfaceSpec.INSTANCE_0_5_0);
        }
        assertThatThrownBy(() -> remote.describeInstances(Map.of(), false)).isInstanceOf(PluginTransportException.class);
        try (PluginServer upgraded = PluginServer.builder().instance(new InMemoryInstancePlugin()).latestVersions()
                .start(socket)) {
            assertThat(remote.describeInstances(Map.of(), false)).isEmpty();
            assertThat(remote.negotiatedInterface()).isEqualTo(InterfaceSpec.INSTANCE_0_6_1);
        }
    }

    @Test
    void interfaceSpecsReadAndPrintAsInfraKits() {
        assertThat(InterfaceSpec.decode("Instance/0.6.1")).isEqualTo(InterfaceSpec.INSTANCE_0_6_1);
        assertThat(InterfaceSpec.decode("Odd")).isEqualTo(new InterfaceSpec("Odd", ""));
        assertThat(InterfaceSpec.FLAVOR_0_1_0.encode()).isEqualTo("Flavor/0.1.0");
        assertThat(InterfaceSpec.FLAVOR_0_1_0).hasToString("{Flavor 0.1.0}");
    }
}
