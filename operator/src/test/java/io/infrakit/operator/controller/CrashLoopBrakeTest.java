package io.infrakit.operator.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.infrakit.operator.group.GroupDefinition;
import io.infrakit.operator.group.GroupStatus;
import io.infrakit.operator.group.Plan;
import io.infrakit.operator.group.UpdatePolicy;
import io.infrakit.plugins.group.GroupProperties;
import io.infrakit.plugins.spi.Allocation;
import io.infrakit.plugins.spi.InstanceDescription;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The crash-loop brake's rules, on a clock the test moves. */
class CrashLoopBrakeTest {

    private static final Instant T0 = Instant.parse("2026-01-02T03:04:05Z");

    private final CrashLoopBrake brake = new CrashLoopBrake(CrashLoopBrake.Policy.DEFAULT);
    private final List<InstanceDescription> alive = new ArrayList<>();
    private int made;
    /** The streak the last pass's observation saw (0: none). */
    private long streak;

    private static Plan creates(int n) {
        List<Plan.Create> c = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            c.add(new Plan.Create(null));
        }
        return new Plan(c, List.of(), 0);
    }

    private static GroupDefinition group(String id, String sha, Allocation allocation) {
        return new GroupDefinition(id, null, new GroupProperties(allocation, null, null, null), sha, 1,
                UpdatePolicy.defaults());
    }

    /** One pass of a cattle group of {@code size}: observe, gate, then provision what is allowed (alive or not). */
    private CrashLoopBrake.Gate pass(int size, Instant now, boolean dies) {
        GroupStatus.CrashLoop seen = brake.observe(group("web", "sha", Allocation.ofSize(size)), List.copyOf(alive),
                now);
        streak = seen == null ? 0 : seen.restarts();
        CrashLoopBrake.Gate g = brake.gate("web", creates(size - alive.size()), false, now);
        for (int i = 0; i < g.plan().creates().size(); i++) {
            String id = "i-" + made++;
            brake.provisioned("web", null, id, now);
            if (!dies) {
                alive.add(new InstanceDescription(id, null, Map.of(), null));
            }
        }
        return g;
    }

    @Test
    void quickExitsHoldReplacementsBackForADoublingDelayThenOneProbeGoes() {
        assertThat(pass(3, T0, true).plan().creates()).hasSize(3); // a new group: all at once
        CrashLoopBrake.Gate g = pass(3, T0.plusMillis(200), true);
        assertThat(streak).isEqualTo(1);
        assertThat(g.plan().creates()).isEmpty();
        assertThat(g.wake()).isEqualTo(Duration.ofSeconds(1));
        assertThat(g.crashLoop().restarts()).isEqualTo(1);
        assertThat(g.crashLoop().nextAttempt()).isEqualTo(T0.plusMillis(1200).toString());
        assertThat(g.crashLoop().reason()).matches("instance i-\\d was gone 200ms after its Provision");

        Instant t = T0.plusMillis(1200);
        g = pass(3, t, true);
        assertThat(g.plan().creates()).as("one probe").hasSize(1);
        long expected = 2;
        for (int strike = 2; strike <= 12; strike++) {
            t = t.plusMillis(200);
            g = pass(3, t, true);
            assertThat(g.crashLoop().restarts()).isEqualTo(strike);
            assertThat(g.wake()).isEqualTo(Duration.ofSeconds(Math.min(expected, 300)));
            t = t.plus(g.wake());
            assertThat(pass(3, t, true).plan().creates()).hasSize(1);
            expected *= 2;
        }
    }

    @Test
    void startsInTheFirstMinuteOfAnInstantlyFailingGroup() {
        int starts = 0;
        Instant t = T0;
        while (t.isBefore(T0.plusSeconds(60))) {
            CrashLoopBrake.Gate g = pass(1, t, true);
            starts += g.plan().creates().size();
            t = t.plus(g.plan().creates().isEmpty() ? g.wake() : Duration.ofMillis(200));
        }
        assertThat(starts).isEqualTo(6); // at 0, 1.2, 3.4, 7.6, 15.8, 32 s
    }

    @Test
    void aProbeThatLivesLetsTheRestFollowAndAKillAfterwardsIsReplacedAtOnce() {
        pass(3, T0, true);
        pass(3, T0.plusMillis(200), true); // a strike: held for 1 s
        CrashLoopBrake.Gate probe = pass(3, T0.plusMillis(1300), false);
        assertThat(probe.plan().creates()).hasSize(1);
        CrashLoopBrake.Gate waiting = pass(3, T0.plusSeconds(5), false);
        assertThat(waiting.plan().creates()).as("the rest wait for the probe's verdict").isEmpty();
        assertThat(waiting.wake()).isEqualTo(Duration.ofMillis(6300));
        assertThat(streak).isEqualTo(1);
        CrashLoopBrake.Gate rest = pass(3, T0.plusMillis(11_300), false);
        assertThat(rest.plan().creates()).hasSize(2);
        assertThat(rest.crashLoop()).as("the brake is open").isNull();
        assertThat(streak).as("no crash loop to report").isZero();

        // All three run for a minute; one is killed: replaced at once.
        pass(3, T0.plusSeconds(30), false);
        alive.remove(0);
        CrashLoopBrake.Gate healed = pass(3, T0.plusSeconds(90), false);
        assertThat(healed.plan().creates()).hasSize(1);
        assertThat(streak).isZero();

        // The replacement vanishes at once: the streak goes on where it was.
        alive.remove(alive.size() - 1);
        CrashLoopBrake.Gate again = pass(3, T0.plusSeconds(91), false);
        assertThat(again.crashLoop().restarts()).isEqualTo(2);
        assertThat(again.wake()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void anInstanceFirstSeenGoneAfterTheQuickWindowIsNoQuickExit() {
        pass(2, T0, false); // no pass sees them outlive the window (a long resync, nothing changed)
        alive.remove(0);
        CrashLoopBrake.Gate healed = pass(2, T0.plusSeconds(11), false);
        assertThat(healed.plan().creates()).as("replaced at once").hasSize(1);
        assertThat(healed.crashLoop()).isNull();
        assertThat(streak).isZero();
    }

    @Test
    void aStretchOfStabilityOrANewConfigForgetsTheStreak() {
        pass(1, T0, true);
        pass(1, T0.plusMillis(100), true);
        assertThat(streak).isEqualTo(1);
        CrashLoopBrake.Gate later = pass(1, T0.plus(Duration.ofMinutes(11)), true);
        assertThat(later.crashLoop()).as("forgotten after 10 minutes").isNull();
        assertThat(later.plan().creates()).hasSize(1);

        Instant t = T0.plus(Duration.ofMinutes(11)).plusMillis(100);
        assertThat(pass(1, t, true).crashLoop()).isNotNull();
        assertThat(brake.observe(group("web", "sha2", Allocation.ofSize(1)), List.of(), t.plusMillis(100)))
                .as("a new config starts afresh").isNull();
        assertThat(brake.gate("web", creates(1), false, t.plusMillis(100)).plan().creates()).hasSize(1);
    }

    @Test
    void aFailedUpdateHoldsEveryReplacementUntilAPersonActs() {
        pass(1, T0, true);
        pass(1, T0.plusMillis(100), true);
        CrashLoopBrake.Gate held = brake.gate("web", creates(1), true, T0.plusSeconds(60));
        assertThat(held.plan().creates()).isEmpty();
        assertThat(held.wake()).isNull();
        assertThat(held.crashLoop().nextAttempt()).isNull();
    }

    @Test
    void petsCountPerLogicalIdAndWhatTheControllerDestroyedIsNoExit() {
        GroupDefinition zk = group("zk", "sha", new Allocation(0, List.of("a", "b", "c")));
        brake.provisioned("zk", "a", "i-a", T0);
        brake.provisioned("zk", "b", "i-b", T0);
        brake.provisioned("zk", "c", "i-c", T0);
        brake.destroyed("i-b");
        InstanceDescription c = new InstanceDescription("i-c2", "c", Map.of(), null); // c has another instance
        GroupStatus.CrashLoop seen = brake.observe(zk, List.of(c), T0.plusMillis(300));
        assertThat(seen.reason()).as("only a's instance exited").startsWith("instance i-a ");
        Plan missing = new Plan(List.of(new Plan.Create("a"), new Plan.Create("b")), List.of(), 0);
        assertThat(brake.gate("zk", missing, false, T0.plusMillis(300)).plan().creates())
                .extracting(Plan.Create::logicalId).containsExactly("b");
    }
}
