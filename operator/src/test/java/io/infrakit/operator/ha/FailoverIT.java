package io.infrakit.operator.ha;

import static io.infrakit.operator.ha.Specs.cattle;
import static io.infrakit.operator.ha.Specs.pets;
import static org.assertj.core.api.Assertions.assertThat;

import io.infrakit.operator.ha.HaHarness.Gain;
import io.infrakit.plugins.group.Tags;
import io.infrakit.plugins.spi.InstanceDescription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.LongSummaryStatistics;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * kill -9 of the leader replica (a real process) on a 3-member etcd cluster with three replicas: a standby takes
 * over once the lease expires, the group ends with exact counts, and at no moment do two replicas act.
 */
@Tag("heavy")
class FailoverIT {

    private static final Duration LEADER = Duration.ofSeconds(20);
    private static final Duration CONVERGE = Duration.ofSeconds(30);
    private static final Duration AT_REST = Duration.ofMillis(2500);

    @RegisterExtension
    final HaHarness ha = new HaHarness();

    @Test
    void leaderKilledMidScaleUpLeavesExactlyFiftyInstances() {
        // One plugin call at a time, so a scale-up of 45 takes long enough (~150 ms) to kill the leader within it.
        ha.startReplicas(3, "--max-parallel", "1");
        ha.commit("web", cattle("web", 5));
        ha.awaitConverged("web", 5, CONVERGE);
        ReplicaProcess leader = ha.awaitLeader(LEADER);

        int atKill = -1;
        long killedAt = 0;
        for (int attempt = 1; attempt <= 3 && killedAt == 0; attempt++) {
            ha.commit("web", cattle("web", 50));
            HaHarness.awaitClosely(Duration.ofSeconds(10), "the scale-up under way", () -> ha.fileCount() >= 10);
            // Freeze first, so the count is the dead leader's last word; then kill -9 the frozen process.
            leader.stop();
            int n = ha.instances("web").size();
            if (n < 50) {
                killedAt = leader.kill9();
                atKill = n;
            } else { // the scale-up finished before the freeze: start over
                leader.cont();
                ha.commit("web", cattle("web", 5));
                ha.awaitConverged("web", 5, CONVERGE);
            }
        }
        assertThat(killedAt).as("the leader was killed in the middle of a scale-up (3 attempts)").isPositive();

        Gain next = ha.awaitGainAfter(killedAt, leader, LEADER);
        System.out.printf("[ha] cattle: leader %s killed at %d/50 instances; %s led %d ms later%n", leader.id,
                atKill, next.replica().id, next.at() - killedAt);
        ha.awaitConverged("web", 50, CONVERGE);
        ha.assertStaysConverged("web", 50, AT_REST);
        assertThat(ha.fileCount()).as("instance files").isEqualTo(50);
        ha.assertSafety();
    }

    @Test
    void leaderKilledMidPetCreationLeavesOneInstancePerLogicalId() {
        // Enough pets that the freeze (a kill process started from here) lands before the last is made.
        String[] members = java.util.stream.IntStream.rangeClosed(1, 16).mapToObj(i -> "10.0.0." + i)
                .toArray(String[]::new);
        ha.startReplicas(3, "--max-parallel", "1");
        ReplicaProcess leader = ha.awaitLeader(LEADER);

        int atKill = -1;
        long killedAt = 0;
        for (int attempt = 1; attempt <= 5 && killedAt == 0; attempt++) {
            ha.commit("db", pets("db", members));
            HaHarness.awaitClosely(Duration.ofSeconds(10), "the first pet", () -> ha.fileCount() >= 1);
            leader.stop();
            int n = ha.instances("db").size();
            if (n < members.length) {
                killedAt = leader.kill9();
                atKill = n;
            } else { // all were made before the freeze: delete the group and start over
                leader.cont();
                ha.store.delete(ha.keys.group("db"));
                HaHarness.await(CONVERGE, "db deleted",
                        () -> ha.instances("db").isEmpty() && ha.status("db").isEmpty());
            }
        }
        assertThat(atKill).as("the leader was killed with some pets made and some not (5 attempts)")
                .isBetween(1, members.length - 1);

        Gain next = ha.awaitGainAfter(killedAt, leader, LEADER);
        System.out.printf("[ha] pets: leader %s killed at %d/%d pets; %s led %d ms later%n", leader.id, atKill,
                members.length, next.replica().id, next.at() - killedAt);
        ha.awaitConverged("db", members.length, CONVERGE);
        List<InstanceDescription> pets = ha.instances("db");
        assertThat(pets).extracting(InstanceDescription::logicalId).containsExactlyInAnyOrder(members);
        assertThat(pets).allSatisfy(d -> assertThat(d.tags()).containsEntry(Tags.LOGICAL_ID, d.logicalId()));
        ha.assertStaysConverged("db", members.length, AT_REST);
        ha.assertSafety();
    }

    @Test
    void tenKillNineRoundsNeverHaveTwoActingLeaders() {
        int[] sizes = {6, 2, 9, 4, 12, 1, 7, 3, 10, 5};
        ha.startReplicas(3);
        ha.commit("web", cattle("web", 3));
        ha.awaitConverged("web", 3, CONVERGE);

        List<Long> failovers = new ArrayList<>();
        int rounds = 0;
        for (int size : sizes) {
            ReplicaProcess leader = ha.awaitLeader(LEADER);
            long killedAt;
            if (rounds % 2 == 0) { // the leader dies while it takes up the change
                ha.commit("web", cattle("web", size));
                killedAt = leader.kill9();
            } else { // the change arrives while there is no leader
                killedAt = leader.kill9();
                ha.commit("web", cattle("web", size));
            }
            ha.startReplica(); // a new process takes the dead one's place, so three run again
            Gain next = ha.awaitGainAfter(killedAt, leader, LEADER);
            failovers.add(next.at() - killedAt);
            ha.awaitConverged("web", size, CONVERGE);
            ha.awaitCandidates();
            rounds++;
        }
        LongSummaryStatistics s = failovers.stream().mapToLong(Long::longValue).summaryStatistics();
        System.out.printf("[ha] %d kill -9 rounds; failover (kill -> new leader's gained line) ms: min %d, "
                + "avg %.0f, max %d, all %s%n", rounds, s.getMin(), s.getAverage(), s.getMax(), failovers);

        assertThat(rounds).isGreaterThanOrEqualTo(10);
        assertThat(ha.replicas).hasSize(3 + rounds);
        ha.assertStaysConverged("web", sizes[sizes.length - 1], AT_REST);
        HaHarness.Checked checked = ha.assertSafety();
        // Each round ended one leader's interval at its kill and started the next one's.
        assertThat(checked.intervals()).isGreaterThanOrEqualTo(1 + rounds);
        assertThat(checked.actions()).isGreaterThanOrEqualTo(rounds);
    }
}
