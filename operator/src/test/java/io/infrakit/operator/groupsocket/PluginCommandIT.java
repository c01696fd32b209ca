package io.infrakit.operator.groupsocket;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.operator.cli.Main;
import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.rpc.InterfaceSpec;
import io.infrakit.plugins.rpc.PluginAddress;
import io.infrakit.plugins.rpc.RemoteInstancePlugin;
import io.infrakit.plugins.rpc.RpcClient;
import io.infrakit.plugins.spi.InstanceSpec;
import io.infrakit.store.testing.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code infrakit plugin start|ls|stop} as processes, as InfraKit's own plugins are run. */
@Tag("heavy")
@Timeout(120)
class PluginCommandIT {

    @TempDir(factory = ShortTempDir.class)
    Path sockets;
    @TempDir
    Path files;
    @TempDir
    Path logs;

    private Map<String, String> env() {
        return Map.of("INFRAKIT_PLUGINS_DIR", sockets.toString());
    }

    private void awaitServing(CliProcess p, String... names) {
        Await.until(Duration.ofSeconds(30), "serving " + List.of(names) + "; output:\n" + p.output(),
                () -> p.output().lines().filter(l -> l.startsWith("serving ")).count() == names.length);
    }

    @Test
    void startServesEachPluginOnItsOwnSocketLsListsThemStopEndsThem() throws IOException {
        try (CliProcess plugins = CliProcess.start(logs.resolve("start.log"), env(),
                "plugin", "start", "file", "vanilla", "--file-dir", files.toString())) {
            awaitServing(plugins, "instance-file", "flavor-vanilla");
            for (String name : List.of("instance-file", "flavor-vanilla")) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sockets.resolve(name))))
                        .isEqualTo("rw-------");
                assertThat(Files.readString(sockets.resolve(name + ".pid")).trim())
                        .isEqualTo(Long.toString(plugins.pid()));
            }
            RemoteInstancePlugin file = new RemoteInstancePlugin(
                    new RpcClient(new PluginAddress.Unix(sockets.resolve("instance-file")), Duration.ofSeconds(5)), "");
            String id = file.provision(new InstanceSpec(null, Map.of("k", "v"), "", null, null));
            assertThat(files.resolve(id)).exists();
            assertThat(file.negotiatedInterface()).isEqualTo(InterfaceSpec.INSTANCE_0_5_0);

            CliProcess.Result ls = CliProcess.run(logs.resolve("ls.log"), env(), "plugin", "ls");
            assertThat(ls.exitCode()).isZero();
            assertThat(ls.output().lines().map(l -> List.of(l.trim().split("\\s+"))).toList()).contains(
                    List.of("INTERFACE", "LISTEN", "NAME"),
                    List.of("Flavor/0.1.0", sockets.resolve("flavor-vanilla").toString(), "flavor-vanilla"),
                    List.of("Instance/0.5.0", sockets.resolve("instance-file").toString(), "instance-file"));
            CliProcess.Result json = CliProcess.run(logs.resolve("ls-json.log"), env(), "plugin", "ls", "-o", "json");
            JsonNode all = Json.parse(json.output().substring(json.output().indexOf('[')));
            List<JsonNode> listed = new java.util.ArrayList<>();
            all.forEach(p -> {
                if (!p.path("BuiltIn").asBoolean()) {
                    listed.add(p);
                }
            });
            assertThat(listed).hasSize(2);
            assertThat(listed.get(1).path("Name").asText()).isEqualTo("instance-file");
            assertThat(listed.get(1).path("Interfaces").get(0).asText()).isEqualTo("Instance/0.5.0");
            assertThat(listed.get(1).path("Error").isNull()).isTrue();

            CliProcess.Result stop = CliProcess.run(logs.resolve("stop.log"), env(), "plugin", "stop", "instance-file");
            assertThat(stop.exitCode()).isZero();
            assertThat(stop.output()).contains("stopped instance-file (pid " + plugins.pid() + ")");
            assertThat(plugins.awaitExit(Duration.ofSeconds(10))).isTrue();
            // One process served both: both sockets and pid files are gone.
            try (var left = Files.list(sockets)) {
                assertThat(left.toList()).isEmpty();
            }
        }
    }

    @Test
    void aSingleNamedPluginAtInfraKitsLatestVersionStopsCleanlyOnSigterm() {
        try (CliProcess plugin = CliProcess.start(logs.resolve("named.log"), env(), "plugin", "start", "file",
                "--name", "files", "--instance-version", "0.6.1", "--file-dir", files.toString())) {
            awaitServing(plugin, "files");
            RpcClient client = new RpcClient(new PluginAddress.Unix(sockets.resolve("files")), Duration.ofSeconds(5));
            assertThat(client.implementedInterfaces()).containsExactly(InterfaceSpec.INSTANCE_0_6_1);

            plugin.term();

            assertThat(plugin.awaitExit(Duration.ofSeconds(20))).isTrue();
            assertThat(sockets.resolve("files")).doesNotExist();
            assertThat(sockets.resolve("files.pid")).doesNotExist();
        }
    }

    @Test
    void withoutInfraKitVariablesEverythingGoesUnderHome() {
        Path home = sockets.resolve("h");
        try (CliProcess plugin = CliProcess.start(logs.resolve("home.log"), Map.of("HOME", home.toString()),
                "plugin", "start", "file")) {
            awaitServing(plugin, "instance-file");
            Path socket = home.resolve(".infrakit/plugins/instance-file");
            assertThat(socket).exists();
            RemoteInstancePlugin file = new RemoteInstancePlugin(
                    new RpcClient(new PluginAddress.Unix(socket), Duration.ofSeconds(5)), "");
            String id = file.provision(new InstanceSpec(null, Map.of(), "", null, null));
            assertThat(home.resolve(".infrakit/instances/file").resolve(id)).exists();
        }
    }

    @Test
    void usageErrorsAndStalePidFiles() throws IOException {
        String dir = "--plugins-dir=" + sockets;
        assertThat(Main.run("plugin", "start", "file", "vanilla", "--name", "x", dir)).isEqualTo(2);
        assertThat(Main.run("plugin", "start", "zookeeper", dir)).isEqualTo(2);
        assertThat(Main.run("plugin", "start", "file", "--instance-version", "0.4.0", dir)).isEqualTo(2);
        assertThat(Main.run("plugin", "stop", "nothing", dir)).isEqualTo(1);

        Files.writeString(sockets.resolve("gone.pid"), Long.toString(ProcessHandle.current().pid()));
        assertThat(Main.run("plugin", "stop", "gone", dir)).isZero(); // nobody listens: stale, this JVM survives
        assertThat(sockets.resolve("gone.pid")).doesNotExist();
    }
}
