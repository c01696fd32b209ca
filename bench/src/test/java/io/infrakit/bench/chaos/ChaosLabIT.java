package io.infrakit.bench.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The reliability lab's short run (about two minutes): real network namespaces, a 3-member etcd and 3 replica
 * processes; the leader partitioned (symmetric and asymmetric), etcd's raft leader deaf, latency and loss, etcd out
 * of space; every group converges after each fault and the plugin's record shows nothing done blind or twice.
 * Needs root, iproute2 and iptables; skipped, saying why, without them.
 */
@Tag("heavy")
@Tag("chaos")
class ChaosLabIT {

    @Test
    void faultsInjectedForRealBreakNoInvariant() throws Exception {
        String why = ChaosBench.cannotRun();
        assumeTrue(why == null, () -> "skipped: " + why);
        Path jar = Path.of("..", "operator", "target", "infrakit.jar").toAbsolutePath().normalize();
        assumeTrue(Files.isRegularFile(jar), () -> "skipped: " + jar + " is built by the operator module's package");

        ChaosBench.Result r = ChaosBench.run(ChaosBench.Settings.of(jar, true), System.out::println);

        assertThat(r.invariants().violations()).as("invariant violations").isEmpty();
        assertThat(r.lostKeys()).as("keys lost").isEmpty();
        assertThat(r.outcomes()).as("every fault recovered from").allSatisfy(o ->
                assertThat(o.recoveryMs()).as(o.kind() + ": " + o.notes()).isNotNegative());
    }
}
