package io.infrakit.operator.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.infrakit.operator.controller.ControllerConfig;
import io.infrakit.plugins.qemu.QemuInstancePlugin;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.testing.GuestImage;
import io.infrakit.store.testing.EtcdCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The qemu tutorial's pets under a real controller: two VMs, each with its own disk, boot and write a journal on
 * it; the QEMU of one is killed; the controller replaces it at once (through the plugin's exit report: the resync is
 * a minute) and the replacement boots with the same disk and reads the journal its predecessor wrote. Deleting the
 * spec powers both down and leaves their disks.
 */
@Tag("heavy")
class QemuGroupIT {

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.single();

    private static final Path EXAMPLES = Path.of("..", "docs", "examples");
    private static final Duration RESYNC = Duration.ofSeconds(60);
    /** Half the resync: a replacement this soon came through the exit report, however loaded the machine. */
    private static final Duration HEAL = RESYNC.dividedBy(2);
    /** A loaded two-core machine boots the guest in 10 s to a minute under TCG; two boot at once here. */
    private static final Duration BOOT = Duration.ofMinutes(4);

    @TempDir
    Path dir;

    private QemuOperator op;

    @AfterEach
    void tearDown() {
        if (op != null) {
            op.close();
        }
    }

    /** The tutorial's spec, with the guest where the tests keep it. */
    static String example(String file) throws IOException {
        return Files.readString(EXAMPLES.resolve(file)).replace("/tmp/infrakit-qemu-guest", GuestImage.dir().toString());
    }

    @Test
    void aKilledPetIsReplacedAtOnceAndItsSuccessorReadsItsDisk() throws Exception {
        op = new QemuOperator(ETCD, "qemu-pets", dir, ControllerConfig.defaults().withResync(RESYNC));
        QemuInstancePlugin qemu = op.qemu();
        long put = System.nanoTime();
        op.put("db", example("qemu-pets.json"));
        op.awaitStatus("db", Duration.ofSeconds(60), s -> s.converged() && s.observed() == 2, "2 VMs running");
        Map<String, String> byLogicalId = op.instances("db").stream()
                .collect(Collectors.toMap(InstanceDescription::logicalId, InstanceDescription::id));
        assertThat(byLogicalId).containsOnlyKeys("db-1", "db-2");
        for (Map.Entry<String, String> e : byLogicalId.entrySet()) {
            assertThat(GuestImage.awaitConsole(qemu.consoleLog(e.getValue()), e.getKey() + " journal written", BOOT))
                    .contains(e.getKey() + " starts with an empty disk");
        }
        System.out.printf("qemu group: spec put -> 2 VMs booted in %d ms%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - put));

        String victim = byLogicalId.get("db-1");
        long pid = qemu.pid(victim).orElseThrow();
        long killed = System.nanoTime();
        ProcessHandle.of(pid).orElseThrow().destroyForcibly(); // SIGKILL to QEMU
        String successor = await("db-1 replaced").atMost(HEAL).until(() -> op.instances("db").stream()
                .filter(d -> "db-1".equals(d.logicalId()) && !d.id().equals(victim))
                .map(InstanceDescription::id).findFirst().orElse(null), Objects::nonNull);
        long replacedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
        assertThat(replacedMs).as("replaced through the exit report, not the %s resync", RESYNC)
                .isLessThan(HEAL.toMillis());
        assertThat(GuestImage.awaitConsole(qemu.consoleLog(successor), "db-1 journal written", BOOT))
                .contains("db-1 found earlier VMs on its disk: " + victim);
        System.out.printf("qemu group: kill -9 -> replacement provisioned in %d ms, booted and read its disk in"
                + " %d ms%n", replacedMs, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed));
        assertThat(op.instances("db")).extracting(InstanceDescription::id)
                .containsExactlyInAnyOrder(successor, byLogicalId.get("db-2"));

        op.delete("db");
        await("both VMs destroyed").atMost(Duration.ofSeconds(60)).until(() -> op.instances("db").isEmpty());
        assertThat(Files.readString(qemu.consoleLog(successor))).contains("Power down");
        assertThat(qemu.petDisk("db-1")).exists();
        assertThat(qemu.petDisk("db-2")).exists();
    }
}
