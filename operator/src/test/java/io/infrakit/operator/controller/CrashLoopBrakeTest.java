package io.infrakit.operator.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.infrakit.operator.group.Plan;
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

    private static Plan creates(int n) {
        List<Plan.Create> c = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            c.add(new Plan.Create(null));
        }
        return new Plan(c, List.of(), 0);
    }

    /** One pass of a cattle group of {@code size}: gate, then provision what is allowed (alive or not). */
    private CrashLoopBrake.Gate pass(int size, Instant now, boolean dies) {
        CrashLoopBrake.Gate g = brake.gate("web", "sha", List.copyOf(alive), creates(size - alive.size()), false, now);
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
        assertThat(g.strikes()).isEqualTo(1);
        assertThat(g.plan().creates()).isEmpty();
        assertThat(g.wake()).isEqualTo(Duration.ofSeconds(1));
        assertThat(g.crashLoop().restarts()).isEqualTo(1);
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
        assertThat(starts).isLessThanOrEqualTo(10);
    }

    @Test
    void aProbeThatLivesLetsTheRestFollowAndAKillAfterwardsIsReplacedAtOnce() {
        pass(3, T0, true);
        pass(3, T0.plusMillis(200), true); // strike: held for 1 s
        CrashLoopBrake.Gate probe = pass(3, T0.plusMillis(1300), false);
        assertThat(probe.plan().creates()).hasSize(1);
        CrashLoopBrake.Gate waiting = pass(3, T0.plusSeconds(5), false);
        assertThat(waiting.plan().creates()).as("the rest wait for the probe's verdict").isEmpty();
        assertThat(waiting.wake()).isEqualTo(Duration.ofMillis(6300));
        CrashLoopBrake.Gate rest = pass(3, T0.plusMillis(11_300), false);
        assertThat(rest.plan().creates()).hasSize(2);
        assertThat(rest.crashLoop()).as("the brake is open").isNull();

        // All three run for a minute; one is killed: replaced at once.
        pass(3, T0.plusSeconds(30), false);
        alive.remove(0);
        CrashLoopBrake.Gate healed = pass(3, T0.plusSeconds(90), false);
        assertThat(healed.plan().creates()).hasSize(1);
        assertThat(healed.strikes()).isZero();

        // The replacement exits at once: the streak goes on where it was.
        alive.remove(alive.size() - 1);
        CrashLoopBrake.Gate again = pass(3, T0.plusSeconds(91), false);
        assertThat(again.crashLoop().restarts()).isEqualTo(2);
        assertThat(again.wake()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void aStretchOfStabilityOrANewConfigForgetsTheStreak() {
        pass(1, T0, true);
        assertThat(pass(1, T0.plusMillis(100), true).strikes()).isEqualTo(1);
        CrashLoopBrake.Gate later = pass(1, T0.plus(Duration.ofMinutes(11)), true);
        assertThat(later.crashLoop()).as("forgotten after 10 minutes").isNull();
        assertThat(later.plan().creates()).hasSize(1);

        assertThat(pass(1, T0.plus(Duration.ofMinutes(11)).plusMillis(100), true).crashLoop()).isNotNull();
        CrashLoopBrake.Gate fresh = brake.gate("web", "sha2", List.of(), creates(1), false,
                T0.plus(Duration.ofMinutes(11)).plusMillis(200));
        assertThat(fresh.crashLoop()).as("a new config starts afresh").isNull();
        assertThat(fresh.plan().creates()).hasSize(1);
    }

    @Test
    void aFailedUpdateHoldsEveryReplacementUntilAPersonActs() {
        pass(1, T0, true);
        pass(1, T0.plusMillis(100), true);
        CrashLoopBrake.Gate held = brake.gate("web", "sha", List.of(), creates(1), true, T0.plusSeconds(60));
        assertThat(held.plan().creates()).isEmpty();
        assertThat(held.wake()).isNull();
        assertThat(held.crashLoop().nextAttempt()).isNull();
    }

    @Test
    void instancesTheControllerDestroyedAndKilledPetsCountPerLogicalId() {
        brake.provisioned("zk", "a", "i-a", T0);
        brake.provisioned("zk", "b", "i-b", T0);
        brake.destroyed("i-b");
        Plan both = new Plan(List.of(new Plan.Create("a"), new Plan.Create("b")), List.of(), 0);
        CrashLoopBrake.Gate g = brake.gate("zk", "sha", List.of(), both, false, T0.plusMillis(300));
        assertThat(g.strikes()).as("only a's instance exited; b's was destroyed").isEqualTo(1);
        assertThat(g.plan().creates()).extracting(Plan.Create::logicalId).containsExactly("b");
    }
}
