package io.infrakit.operator.groupsocket;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.operator.testing.InProcessCli;
import io.infrakit.operator.testing.InProcessCli.Run;
import io.infrakit.operator.testing.InfraKitGo;
import io.infrakit.plugins.json.Json;
import io.infrakit.store.testing.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code infrakit instance|flavor --name P ...} and {@code infrakit plugin info P}, talking to plugins on their
 * sockets: this project's built-ins served by {@code infrakit plugin start} (another process), and InfraKit v0.5's
 * own Go plugins ({@link InfraKitGo}; skipped where they cannot be built).
 */
@Timeout(120)
class PluginClientCommandsIT {

    @TempDir(factory = ShortTempDir.class)
    Path sockets;
    @TempDir
    Path files;
    @TempDir
    Path work;

    /** The CLI in this JVM, with the test's plugin directory. */
    private Run infrakit(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--plugins-dir=" + sockets);
        return InProcessCli.run(all.toArray(String[]::new));
    }

    private String file(String name, String json) throws IOException {
        Path p = work.resolve(name);
        Files.writeString(p, json);
        return p.toString();
    }

    @Test
    void againstTheBuiltInsServedByPluginStart() throws IOException {
        try (CliProcess served = CliProcess.start(work.resolve("start.log"),
                Map.of("INFRAKIT_PLUGINS_DIR", sockets.toString()), "plugin", "start", "file", "vanilla",
                "--file-dir", files.toString())) {
            Await.until(Duration.ofSeconds(30), "plugins served; output:\n" + served.output(),
                    () -> served.output().lines().filter(l -> l.startsWith("serving ")).count() == 2);
            exercise("infrakit-java-instance-file");
        }
    }

    @SuppressWarnings("try") // resources held open for the block, not used by name
    @Test
    void againstInfraKitsOwnGoPlugins() throws IOException {
        InfraKitGo.binaries();
        try (InfraKitGo.Plugin file = InfraKitGo.start(InfraKitGo.INSTANCE_FILE, sockets, "instance-file",
                work.resolve("file.log"), "--dir", files.toString());
             InfraKitGo.Plugin vanilla = InfraKitGo.start(InfraKitGo.FLAVOR_VANILLA, sockets, "flavor-vanilla",
                     work.resolve("vanilla.log"))) {
            exercise("infrakit-instance-file");
        }
    }

    /** Every command against {@code instance-file} and {@code flavor-vanilla} in the plugin directory. */
    private void exercise(String vendor) throws IOException {
        Run info = infrakit("plugin", "info", "instance-file");
        assertThat(info.exitCode()).as(info.err()).isZero();
        assertThat(info.out()).contains("Vendor:  " + vendor).containsPattern("Instance/0.5.0\\s+\\.");
        JsonNode infoJson = Json.parse(infrakit("plugin", "info", "flavor-vanilla", "-o", "json").out());
        assertThat(infoJson.path("Implements").get(0).path("Name").asText()).isEqualTo("Flavor");
        assertThat(infoJson.path("Implements").get(0).path("Version").asText()).isEqualTo("0.1.0");

        String props = file("props.json", "{\"Note\":\"hello\"}");
        String spec = file("spec.json", "{\"Properties\":{\"Note\":\"hello\"},\"Tags\":{\"tier\":\"web\"},"
                + "\"Init\":\"echo one\"}");
        assertThat(infrakit("instance", "--name", "instance-file", "validate", props))
                .isEqualTo(new Run(0, "validate:ok\n", ""));
        Run provisioned = infrakit("instance", "--name", "instance-file", "provision", spec);
        assertThat(provisioned.exitCode()).as(provisioned.err()).isZero();
        String id = provisioned.out().trim();
        assertThat(files.resolve(id)).exists();

        Run described = infrakit("instance", "--name", "instance-file", "describe", "--tags", "tier=web");
        assertThat(described.out().lines().map(l -> List.of(l.trim().split("\\s+"))).toList())
                .containsExactly(List.of("ID", "LOGICAL", "TAGS"), List.of(id, "-", "tier=web"));
        assertThat(infrakit("instance", "--name", "instance-file", "describe", "--tags", "tier=db", "-q").out())
                .isEmpty();
        JsonNode json = Json.parse(infrakit("instance", "--name", "instance-file", "describe", "-o", "json").out());
        assertThat(json).hasSize(1);
        assertThat(json.get(0).path("ID").asText()).isEqualTo(id);
        assertThat(json.get(0).path("Tags").path("tier").asText()).isEqualTo("web");

        String flavor = file("flavor.json", "{\"Init\":[\"echo two\"],\"Tags\":{\"role\":\"worker\"}}");
        assertThat(infrakit("flavor", "--name", "flavor-vanilla", "validate", "--size", "2", flavor))
                .isEqualTo(new Run(0, "validate:ok\n", ""));
        Run prepared = infrakit("flavor", "--name", "flavor-vanilla", "prepare", flavor, spec);
        assertThat(prepared.exitCode()).as(prepared.err()).isZero();
        JsonNode p = Json.parse(prepared.out());
        assertThat(p.path("Init").asText()).isEqualTo("echo one\necho two");
        assertThat(p.path("Tags").path("role").asText()).isEqualTo("worker");
        assertThat(p.path("Tags").path("tier").asText()).isEqualTo("web");
        Run healthy = infrakit("flavor", "--name", "flavor-vanilla", "healthy", flavor, id, "other");
        assertThat(healthy.out().lines().map(l -> List.of(l.trim().split("\\s+"))).toList())
                .containsExactly(List.of("ID", "HEALTH"), List.of(id, "healthy"), List.of("other", "healthy"));

        assertThat(infrakit("instance", "--name", "instance-file", "destroy", id))
                .isEqualTo(new Run(0, "destroyed " + id + "\n", ""));
        assertThat(files.resolve(id)).doesNotExist();
        Run again = infrakit("instance", "--name", "instance-file", "destroy", id);
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err().lines()).hasSize(1).first().asString().startsWith("error: " + id + ": ");

        // Not there, or not that kind of plugin: one line and exit code 1. No plugin named: a usage error.
        Run missing = infrakit("instance", "--name", "nope", "describe");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).isEqualTo("error: instance plugin 'nope' not found in " + sockets
                + " (known instance plugins: flavor-vanilla, instance-file)\n");
        Run wrongKind = infrakit("flavor", "--name", "instance-file", "validate", flavor);
        assertThat(wrongKind).isEqualTo(new Run(1, "", "error: plugin 'instance-file' does not implement it: "
                + "Plugin does not support interface {Flavor 0.1.0}\n"));
        assertThat(infrakit("plugin", "info", "nope").exitCode()).isEqualTo(1);
        assertThat(infrakit("instance", "describe").exitCode()).isEqualTo(2);
    }
}
