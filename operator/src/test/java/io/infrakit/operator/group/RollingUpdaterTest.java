package io.infrakit.operator.group;

import static org.assertj.core.api.Assertions.assertThat;

import io.infrakit.plugins.group.Tags;
import io.infrakit.plugins.spi.Allocation;
import io.infrakit.plugins.spi.Health;
import io.infrakit.plugins.spi.InstanceDescription;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RollingUpdaterTest {

    private static final String NEW = "new";
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

    private static InstanceDescription inst(String id, String sha, String lid) {
        return new InstanceDescription(id, lid, Map.of(Tags.GROUP, "g", Tags.CONFIG_SHA, sha), null);
    }

    private static List<InstanceDescription> group(int old, int current) {
        List<InstanceDescription> out = new ArrayList<>();
        for (int i = 0; i < old; i++) {
            out.add(inst("o" + i, "old", null));
        }
        for (int i = 0; i < current; i++) {
            out.add(inst("n" + i, NEW, null));
        }
        return out;
    }

    private static Map<String, Health> all(List<InstanceDescription> list, Health h) {
        Map<String, Health> m = new HashMap<>();
        list.forEach(d -> m.put(d.id(), h));
        return m;
    }

    private static RollingUpdater.Decision decide(UpdatePolicy p, Allocation a, List<InstanceDescription> observed,
                                                  Map<String, Health> health, UpdateProgress prev, Instant since) {
        return RollingUpdater.decide(new RollingUpdater.Input(p, a, NEW, observed, health, prev, null, NOW, since,
                null));
    }

    @Test
    void noOutOfDateInstancesMeansNoUpdate() {
        var d = decide(UpdatePolicy.defaults(), Allocation.ofSize(3), group(0, 3), Map.of(), null, null);
        assertThat(d.progress()).isNull();
        assertThat(d.replace()).isEmpty();
        assertThat(d.effectiveSize()).isEqualTo(3);
    }

    @Test
    void firstBatchReplacesOneOutOfDateInstanceByDefault() {
        var d = decide(UpdatePolicy.defaults(), Allocation.ofSize(3), group(3, 0), Map.of(), null, null);
        assertThat(d.replace()).extracting(InstanceDescription::id).containsExactly("o0");
        assertThat(d.progress().state()).isEqualTo(UpdateState.ROLLING);
        assertThat(d.progress().batch()).isEqualTo(1);
        assertThat(d.progress().batchStarted()).isEqualTo(NOW.toString());
    }

    @Test
    void nextBatchWaitsUntilNewInstancesAreHealthy() {
        List<InstanceDescription> g = group(2, 1);
        UpdateProgress prev = new UpdateProgress(NEW, UpdateState.ROLLING, 1, 3, 1, NOW.minusSeconds(1).toString(),
                null);
        var waiting = decide(UpdatePolicy.defaults(), Allocation.ofSize(3), g, Map.of("n0", Health.UNKNOWN), prev, null);
        assertThat(waiting.replace()).isEmpty();
        assertThat(waiting.waiting().poll()).isTrue();
        assertThat(waiting.failure()).isNull();
        var next = decide(UpdatePolicy.defaults(), Allocation.ofSize(3), g, Map.of("n0", Health.HEALTHY), prev, NOW);
        assertThat(next.replace()).extracting(InstanceDescription::id).containsExactly("o0");
        assertThat(next.progress().batch()).isEqualTo(2);
    }

    @Test
    void waitsForMissingReplacementsBeforeTheNextBatch() {
        UpdateProgress prev = new UpdateProgress(NEW, UpdateState.ROLLING, 0, 3, 1, NOW.toString(), null);
        var d = decide(UpdatePolicy.defaults(), Allocation.ofSize(3), group(2, 0), Map.of(), prev, NOW);
        assertThat(d.replace()).isEmpty();
        assertThat(d.waiting().poll()).isTrue();
    }

    @Test
    void unhealthyNewInstanceFailsTheBatch() {
        UpdateProgress prev = new UpdateProgress(NEW, UpdateState.ROLLING, 1, 3, 1, NOW.toString(), null);
        var d = decide(UpdatePolicy.defaults(), Allocation.ofSize(3), group(2, 1), Map.of("n0", Health.UNHEALTHY),
                prev, null);
        assertThat(d.failure()).contains("n0").contains("unhealthy");
        assertThat(d.replace()).isEmpty();
    }

    @Test
    void unknownHealthIsBoundedByTheDeadline() {
        UpdatePolicy p = new UpdatePolicy(1, false, Duration.ZERO, Duration.ofSeconds(30),
                UpdatePolicy.OnFailure.PAUSE, false);
        UpdateProgress prev = new UpdateProgress(NEW, UpdateState.ROLLING, 1, 3, 1,
                NOW.minusSeconds(31).toString(), null);
        var d = decide(p, Allocation.ofSize(3), group(2, 1), Map.of("n0", Health.UNKNOWN), prev, null);
        assertThat(d.failure()).contains("not healthy within 30s");
    }

    @Test
    void continueCarriesOnPastAFailure() {
        UpdatePolicy p = new UpdatePolicy(1, false, Duration.ZERO, Duration.ofSeconds(30),
                UpdatePolicy.OnFailure.CONTINUE, false);
        UpdateProgress prev = new UpdateProgress(NEW, UpdateState.ROLLING, 1, 3, 1, NOW.toString(), null);
        var d = decide(p, Allocation.ofSize(3), group(2, 1), Map.of("n0", Health.UNHEALTHY), prev, null);
        assertThat(d.failure()).isNull();
        assertThat(d.replace()).hasSize(1);
        assertThat(d.progress().reason()).startsWith("continued after");
    }

    @Test
    void healthyForDelaysTheNextBatch() {
        UpdatePolicy p = new UpdatePolicy(1, false, Duration.ofSeconds(5), Duration.ofMinutes(1),
                UpdatePolicy.OnFailure.PAUSE, false);
        UpdateProgress prev = new UpdateProgress(NEW, UpdateState.ROLLING, 1, 3, 1, NOW.toString(), null);
        var early = decide(p, Allocation.ofSize(3), group(2, 1), Map.of("n0", Health.HEALTHY), prev,
                NOW.minusSeconds(2));
        assertThat(early.replace()).isEmpty();
        assertThat(early.waiting().healthy()).isTrue();
        var late = decide(p, Allocation.ofSize(3), group(2, 1), Map.of("n0", Health.HEALTHY), prev,
                NOW.minusSeconds(6));
        assertThat(late.replace()).hasSize(1);
    }

    @Test
    void maxParallelReplacesSeveralAtOnce() {
        UpdatePolicy p = new UpdatePolicy(3, false, Duration.ZERO, Duration.ofMinutes(1),
                UpdatePolicy.OnFailure.PAUSE, false);
        var d = decide(p, Allocation.ofSize(5), group(5, 0), Map.of(), null, null);
        assertThat(d.replace()).hasSize(3);
    }

    @Test
    void surgeRaisesTheSizeFirstThenReplacesOnceTheNewAreHealthy() {
        UpdatePolicy p = new UpdatePolicy(2, true, Duration.ZERO, Duration.ofMinutes(1),
                UpdatePolicy.OnFailure.PAUSE, false);
        var first = decide(p, Allocation.ofSize(4), group(4, 0), Map.of(), null, null);
        assertThat(first.effectiveSize()).isEqualTo(6);
        assertThat(first.replace()).isEmpty();
        List<InstanceDescription> surged = group(4, 2);
        var second = decide(p, Allocation.ofSize(4), surged, all(surged, Health.HEALTHY), first.progress(), NOW);
        assertThat(second.replace()).hasSize(2).allMatch(d -> d.id().startsWith("o"));
    }

    @Test
    void finishedUpdateIsDoneOnceTheLastBatchIsHealthy() {
        UpdateProgress prev = new UpdateProgress(NEW, UpdateState.ROLLING, 2, 3, 3, NOW.toString(), null);
        List<InstanceDescription> g = group(0, 3);
        var waiting = decide(UpdatePolicy.defaults(), Allocation.ofSize(3), g, Map.of(), prev, null);
        assertThat(waiting.progress().state()).isEqualTo(UpdateState.ROLLING);
        var done = decide(UpdatePolicy.defaults(), Allocation.ofSize(3), g, all(g, Health.HEALTHY), prev, NOW);
        assertThat(done.progress().state()).isEqualTo(UpdateState.DONE);
        assertThat(done.progress().done()).isEqualTo(3);
    }

    @Test
    void aCrashLoopHoldsTheNextBatchBackThenFailsTheUpdateWithoutWaitingForTheDeadline() {
        List<InstanceDescription> g = group(2, 0); // batch 1 replaced o2; its replacement keeps vanishing
        UpdateProgress prev = new UpdateProgress(NEW, UpdateState.ROLLING, 0, 3, 1, NOW.minusSeconds(2).toString(),
                null);
        Map<String, Health> healthy = all(g, Health.HEALTHY);
        var once = RollingUpdater.decide(new RollingUpdater.Input(UpdatePolicy.defaults(), Allocation.ofSize(3), NEW,
                g, healthy, prev, null, NOW, null, new GroupStatus.CrashLoop(1, null, "instance n9 was gone 5ms after"
                + " its Provision")));
        assertThat(once.replace()).isEmpty();
        assertThat(once.failure()).isNull();
        assertThat(once.progress().reason()).isEqualTo("waiting: crash loop: instance n9 was gone 5ms after its"
                + " Provision");
        var twice = RollingUpdater.decide(new RollingUpdater.Input(UpdatePolicy.defaults(), Allocation.ofSize(3), NEW,
                g, healthy, prev, null, NOW, null, new GroupStatus.CrashLoop(2, null, "instance n10 was gone 4ms"
                + " after its Provision")));
        assertThat(twice.replace()).isEmpty();
        assertThat(twice.failure()).isEqualTo("crash loop: instance n10 was gone 4ms after its Provision");
    }

    @Test
    void pausedUpdateDoesNothingButReportsWhy() {
        var d = RollingUpdater.decide(new RollingUpdater.Input(UpdatePolicy.defaults(), Allocation.ofSize(3), NEW,
                group(3, 0), Map.of(), null, PauseMarker.byUser(NOW), NOW, null, null));
        assertThat(d.replace()).isEmpty();
        assertThat(d.progress().state()).isEqualTo(UpdateState.PAUSED);
        assertThat(d.progress().reason()).isEqualTo("paused by user");
    }

    @Test
    void newTargetStartsANewUpdate() {
        UpdateProgress old = new UpdateProgress("older", UpdateState.ROLLING, 1, 3, 4, NOW.toString(), null);
        var d = decide(UpdatePolicy.defaults(), Allocation.ofSize(3), group(3, 0), Map.of(), old, null);
        assertThat(d.progress().targetSha()).isEqualTo(NEW);
        assertThat(d.progress().batch()).isEqualTo(1);
    }

    @Test
    void petsReplaceOneMemberOnlyWhenAllOthersAreHealthy() {
        Allocation pets = Allocation.ofLogicalIds(List.of("a", "b", "c"));
        List<InstanceDescription> g = List.of(inst("i1", "old", "a"), inst("i2", "old", "b"), inst("i3", "old", "c"));
        Map<String, Health> oneDown = Map.of("i1", Health.HEALTHY, "i2", Health.UNKNOWN, "i3", Health.HEALTHY);
        var d = decide(UpdatePolicy.defaults(), pets, g, oneDown, null, null);
        assertThat(d.replace()).extracting(InstanceDescription::id)
                .as("the member that is down anyway goes first").containsExactly("i2");
        Map<String, Health> twoDown = Map.of("i1", Health.UNKNOWN, "i2", Health.UNKNOWN, "i3", Health.HEALTHY);
        var blocked = decide(UpdatePolicy.defaults(), pets, g, twoDown, null, null);
        assertThat(blocked.replace()).as("never a second member down").isEmpty();
    }

    @Test
    void policyParsesInfraKitAndOurFields() throws Exception {
        var json = io.infrakit.plugins.json.Json.parse("{\"count\":3,\"MaxParallel\":2,\"Surge\":true,"
                + "\"HealthDeadline\":\"1m30s\",\"OnFailure\":\"rollback\",\"SkipBeforeInstanceDestroy\":\"drain\"}");
        UpdatePolicy p = UpdatePolicy.parse(json);
        assertThat(p.healthyFor()).isEqualTo(Duration.ofSeconds(3));
        assertThat(p.maxParallel()).isEqualTo(2);
        assertThat(p.surge()).isTrue();
        assertThat(p.healthDeadline()).isEqualTo(Duration.ofSeconds(90));
        assertThat(p.onFailure()).isEqualTo(UpdatePolicy.OnFailure.ROLLBACK);
        assertThat(p.skipDrain()).isTrue();
        assertThat(UpdatePolicy.parse(io.infrakit.plugins.json.Json.parse("{\"Duration\":\"30s\"}")).healthyFor())
                .isEqualTo(Duration.ofSeconds(30));
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                UpdatePolicy.parse(io.infrakit.plugins.json.Json.parse("{\"OnFailure\":\"explode\"}")))
                .hasMessageContaining("pause, continue or rollback");
    }
}
