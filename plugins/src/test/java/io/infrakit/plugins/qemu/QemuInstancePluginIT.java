package io.infrakit.plugins.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.plugins.group.Tags;
import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.spi.InstanceSpec;
import io.infrakit.plugins.spi.PluginException;
import io.infrakit.plugins.testing.FreePorts;
import io.infrakit.plugins.testing.GuestImage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real VMs under TCG (one at a time, 128 MiB): the flavor's init script runs in the guest, a user-mode network
 * forwards a loopback port to it (and without that option it has no network card), Describe asks QMP, Destroy
 * powers the guest down, a killed VM is reported at once (also by a plugin that did not start it), a pet's disk
 * keeps a file written before its VM was killed for the VM that replaces it, and a VM that misses its boot deadline
 * is stopped.
 */
@Tag("heavy")
class QemuInstancePluginIT {

    /** A loaded two-core machine boots the guest in 10 s to a minute under TCG. */
    private static final Duration BOOT = Duration.ofMinutes(3);

    @TempDir
    Path dir;

    private final List<QemuInstancePlugin> plugins = new ArrayList<>();

    private QemuInstancePlugin plugin() {
        QemuInstancePlugin p = new QemuInstancePlugin(dir.resolve("vms"));
        plugins.add(p);
        return p;
    }

    @AfterEach
    void killEverything() {
        plugins.forEach(QemuInstancePlugin::close);
        GuestImage.killAll(dir.resolve("vms"));
    }

    private static InstanceSpec spec(String group, String logicalId, String init, String extraProperties) {
        return new InstanceSpec(Json.parse(GuestImage.properties(128, extraProperties)),
                Map.of(Tags.GROUP, group), init, logicalId, null);
    }

    private static String awaitConsole(QemuInstancePlugin plugin, String id, String text, Duration timeout) {
        return GuestImage.awaitConsole(plugin.consoleLog(id), text, timeout);
    }

    @Test
    void runsTheInitScriptServesThroughAForwardDescribesThroughQmpAndPowersDownOnDestroy() throws Exception {
        QemuInstancePlugin plugin = plugin();
        Semaphore changes = new Semaphore(0);
        plugin.onChange(changes::release);
        int port = FreePorts.loopback(); // QEMU binds it as it starts
        String init = String.join("\n",
                "mkdir -p /www && echo \"hello from $(hostname)\" > /www/index.html",
                "httpd -p 80 -h /www",
                "echo \"init ran in $(sed -n 's/^instance-id: //p' /run/config/meta-data) as $(hostname)\"");
        String id = plugin.provision(spec("it", "web-1", init, "\"BootMarker\":\"init ran\",\"StopGrace\":\"30s\","
                + "\"Network\":\"user\",\"Forwards\":[{\"Host\":" + port + ",\"Guest\":80}]"));
        assertThat(plugin.describeInstances(Map.of(Tags.GROUP, "it"), false))
                .extracting(InstanceDescription::id).containsExactly(id); // visible as soon as Provision returns

        awaitConsole(plugin, id, "init ran in " + id + " as web-1", BOOT);
        List<InstanceDescription> described = plugin.describeInstances(Map.of(Tags.GROUP, "it"), true);
        assertThat(described).hasSize(1);
        JsonNode p = described.get(0).properties();
        assertThat(p.path("Status").asText()).isEqualTo("running");
        assertThat(p.path("Booted").asBoolean()).isTrue();
        assertThat(p.path("Pid").asLong()).isEqualTo(plugin.pid(id).orElseThrow());
        assertThat(Path.of(p.path("Console").asText())).exists();
        assertThat(described.get(0).logicalId()).isEqualTo("web-1");
        HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.body()).isEqualTo("hello from web-1\n"); // user-mode network, loopback forward

        plugin.label(id, Map.of("role", "web"));
        assertThat(plugin.describeInstances(Map.of("role", "web"), false)).hasSize(1);

        long start = System.nanoTime();
        plugin.destroy(id, "terminate");
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(took).as("the guest powered itself down, well within the 30 s grace").isLessThan(25_000);
        assertThat(Files.readString(plugin.consoleLog(id), StandardCharsets.ISO_8859_1)).contains("Power down");
        assertThat(plugin.describeInstances(Map.of(), false)).isEmpty();
        assertThat(plugin.pid(id)).isEmpty();
        assertThat(plugin.consoleLog(id)).exists(); // kept for a post-mortem
        assertThat(changes.availablePermits()).as("a destroy is not reported as a death").isZero();
        System.out.printf("qemu: destroy by power button took %d ms%n", took);
    }

    @Test
    void aPetsDiskSurvivesAKillAndTheReplacementReadsIt() throws Exception {
        String init = String.join("\n",
                "me=$(sed -n 's/^instance-id: //p' /run/config/meta-data)",
                "ip link show eth0 >/dev/null 2>&1 && echo has-a-network-card || echo no-network-card",
                "if [ -f /data/note ]; then echo \"found note: $(cat /data/note)\"; else echo 'no note yet'; fi",
                "echo \"written by $me\" > /data/note",
                "sync",
                "echo note-written");
        QemuInstancePlugin first = plugin();
        String vm1 = first.provision(spec("pets", "db-1", init, "\"DiskSize\":32"));
        String console1 = awaitConsole(first, vm1, "note-written", BOOT);
        assertThat(console1).contains("no note yet").contains("no-network-card"); // networking is off by default
        Path disk = first.petDisk("db-1");
        assertThat(disk).exists();

        // A new plugin on the same directory (an operator restart) finds the VM and watches it.
        first.close();
        QemuInstancePlugin plugin = plugin();
        Semaphore changes = new Semaphore(0);
        plugin.onChange(changes::release);
        assertThat(plugin.describeInstances(Map.of(Tags.GROUP, "pets"), false)).extracting(InstanceDescription::id)
                .containsExactly(vm1);

        long pid = plugin.pid(vm1).orElseThrow();
        long killed = System.nanoTime();
        ProcessHandle.of(pid).orElseThrow().destroyForcibly(); // SIGKILL
        assertThat(changes.tryAcquire(5, TimeUnit.SECONDS)).as("the death is reported").isTrue();
        long reportMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
        assertThat(plugin.describeInstances(Map.of(Tags.GROUP, "pets"), false)).isEmpty();
        System.out.printf("qemu: kill -9 of a VM's QEMU -> reported in %d ms%n", reportMs);

        String vm2 = plugin.provision(spec("pets", "db-1", init, "\"DiskSize\":32"));
        assertThat(awaitConsole(plugin, vm2, "note-written", BOOT)).contains("found note: written by " + vm1);
        plugin.destroy(vm2, "terminate");
        assertThat(disk).as("a pet's disk outlives its VMs").exists();
    }

    @Test
    void aVmThatMissesItsBootDeadlineIsStoppedAndLeftOutOfItsGroup() throws Exception {
        QemuInstancePlugin plugin = plugin();
        Semaphore changes = new Semaphore(0);
        plugin.onChange(changes::release);
        String id = plugin.provision(spec("late", null, "", "\"BootMarker\":\"never printed\","
                + "\"BootDeadline\":\"6s\""));
        assertThat(plugin.describeInstances(Map.of(Tags.GROUP, "late"), false)).hasSize(1);
        Thread.sleep(6500);
        assertThat(plugin.describeInstances(Map.of(), false)).isEmpty();
        assertThat(plugin.pid(id)).as("a broad listing leaves it out, but only its group's stops it").isPresent();
        assertThat(plugin.describeInstances(Map.of(Tags.GROUP, "late"), false)).isEmpty();
        assertThat(plugin.pid(id)).isEmpty();
        assertThat(changes.tryAcquire(5, TimeUnit.SECONDS)).as("the stop is reported").isTrue();
    }

    @Test
    void aVmThatCannotStartIsAnErrorWithQemusWordsAndLeavesNothingRunning() {
        QemuInstancePlugin plugin = plugin();
        InstanceSpec bad = new InstanceSpec(Json.parse("{\"Kernel\":\"" + dir.resolve("no-such-kernel")
                + "\",\"Accel\":\"tcg\",\"Memory\":64}"), Map.of(Tags.GROUP, "bad"), "", null, null);
        assertThatThrownBy(() -> plugin.provision(bad)).isInstanceOf(PluginException.class)
                .hasMessageContaining("qemu-system-x86_64 failed").hasMessageContaining("no-such-kernel");
        assertThat(plugin.describeInstances(Map.of(), false)).isEmpty();
    }
}
