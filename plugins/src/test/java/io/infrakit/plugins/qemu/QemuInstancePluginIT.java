package io.infrakit.plugins.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.plugins.group.Tags;
import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.spi.InstanceSpec;
import io.infrakit.plugins.spi.PluginException;
import io.infrakit.plugins.testing.GuestImage;
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
 * Real VMs under TCG (one at a time, 128 MiB): the flavor's init script runs in the guest, Describe asks QMP,
 * Destroy powers the guest down, a killed VM is reported at once (also by a plugin that did not start it), and a
 * pet's disk keeps a file written before its VM was killed for the VM that replaces it.
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
    void runsTheInitScriptDescribesThroughQmpAndPowersDownOnDestroy() throws Exception {
        QemuInstancePlugin plugin = plugin();
        Semaphore changes = new Semaphore(0);
        plugin.onChange(changes::release);
        String init = "echo \"init ran in $(sed -n 's/^instance-id: //p' /run/config/meta-data) as $(hostname)\"";
        String id = plugin.provision(spec("it", "web-1", init,
                "\"BootMarker\":\"init ran\",\"StopGrace\":\"30s\""));
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
                "if [ -f /data/note ]; then echo \"found note: $(cat /data/note)\"; else echo 'no note yet'; fi",
                "echo \"written by $me\" > /data/note",
                "sync",
                "echo note-written");
        QemuInstancePlugin first = plugin();
        String vm1 = first.provision(spec("pets", "db-1", init, "\"DiskSize\":32"));
        String console1 = awaitConsole(first, vm1, "note-written", BOOT);
        assertThat(console1).contains("no note yet");
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
    void aVmThatCannotStartIsAnErrorWithQemusWordsAndLeavesNothingRunning() {
        QemuInstancePlugin plugin = plugin();
        InstanceSpec bad = new InstanceSpec(Json.parse("{\"Kernel\":\"" + dir.resolve("no-such-kernel")
                + "\",\"Accel\":\"tcg\",\"Memory\":64}"), Map.of(Tags.GROUP, "bad"), "", null, null);
        assertThatThrownBy(() -> plugin.provision(bad)).isInstanceOf(PluginException.class)
                .hasMessageContaining("qemu-system-x86_64 failed").hasMessageContaining("no-such-kernel");
        assertThat(plugin.describeInstances(Map.of(), false)).isEmpty();
    }
}
