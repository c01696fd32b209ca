package io.infrakit.operator.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.infrakit.operator.controller.ControllerConfig;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.store.testing.EtcdCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A group of 20 processes under a real controller: killed processes are replaced through the plugin's exit
 * events (the resync is a minute, so it cannot be what heals them), and the processes outlive an operator restart.
 */
@Tag("heavy")
class ProcessGroupIT {

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.single();

    private static final Duration RESYNC = Duration.ofSeconds(60);
    /** Half the resync: a replacement this soon came through the exit events, however loaded the machine. */
    private static final Duration HEAL = RESYNC.dividedBy(2);

    @TempDir
    Path dir;

    private ProcessOperator op;

    @AfterEach
    void tearDown() {
        if (op != null) {
            op.close();
        }
    }

    static String spec(String id, int size) {
        return "{\"ID\":\"" + id + "\",\"Properties\":{\"Allocation\":{\"Size\":" + size + "},"
                + "\"Instance\":{\"Plugin\":\"process\",\"Properties\":{\"StopGrace\":\"2s\"}},"
                + "\"Flavor\":{\"Plugin\":\"vanilla\",\"Properties\":{\"Init\":[\"exec sleep 600\"]}}}}";
    }

    private Set<String> ids(String group) {
        return op.instances(group).stream().map(InstanceDescription::id).collect(Collectors.toSet());
    }

    @Test
    void fiveKilledAtOnceAreReplacedWithinMillisecondsAndProcessesOutliveARestart() throws Exception {
        op = new ProcessOperator(ETCD, "procs", dir, ControllerConfig.defaults().withResync(RESYNC)).start();
        op.put("procs", spec("procs", 20));
        op.awaitStatus("procs", Duration.ofSeconds(30), s -> s.converged() && s.observed() == 20, "20 running");
        Set<String> before = ids("procs");
        assertThat(before).hasSize(20);

        // Past the crash-loop brake's window (an exit within 10 s of a start is a quick exit, and is braked): these
        // are deaths of processes that ran, which are healed at once.
        Thread.sleep(11_000);
        List<String> victims = before.stream().sorted().limit(5).toList();
        List<Long> pids = victims.stream().map(op::pid).toList();
        long killed = System.nanoTime();
        for (long pid : pids) {
            ProcessHandle.of(pid).orElseThrow().destroyForcibly(); // SIGKILL
        }
        await("5 replacements").atMost(HEAL).until(() -> {
            Set<String> now = ids("procs");
            return now.size() == 20 && now.stream().noneMatch(victims::contains);
        });
        long healMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
        System.out.printf("process group: 5 of 20 killed -> all replaced in %d ms%n", healMs);
        assertThat(healMs).as("healed by exit events, not the %s resync", RESYNC).isLessThan(HEAL.toMillis());
        Set<String> after = ids("procs");
        assertThat(after).containsAll(before.stream().filter(id -> !victims.contains(id)).toList());
        for (long pid : pids) {
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        }

        // An operator restart: a new controller and a new plugin find the same 20 processes and keep them.
        op.restart();
        Thread.sleep(500);
        op.awaitStatus("procs", Duration.ofSeconds(10), s -> s.converged() && s.observed() == 20, "20 after restart");
        assertThat(ids("procs")).isEqualTo(after);

        // The new plugin did not start them, yet notices when one dies.
        String victim = after.stream().sorted().findFirst().orElseThrow();
        long start = System.nanoTime();
        ProcessHandle.of(op.pid(victim)).orElseThrow().destroyForcibly();
        await("replacement after restart").atMost(HEAL).until(() -> {
            Set<String> now = ids("procs");
            return now.size() == 20 && !now.contains(victim);
        });
        long foundHealMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.out.printf("process group: a process found after a restart killed -> replaced in %d ms%n",
                foundHealMs);
        assertThat(foundHealMs).as("healed by exit events, not the %s resync", RESYNC).isLessThan(HEAL.toMillis());
        Set<String> survivors = new HashSet<>(after);
        survivors.remove(victim);
        assertThat(ids("procs")).containsAll(survivors);
    }
}
