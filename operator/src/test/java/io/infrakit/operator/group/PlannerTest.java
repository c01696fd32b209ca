package io.infrakit.operator.group;

import static org.assertj.core.api.Assertions.assertThat;

import io.infrakit.plugins.group.Tags;
import io.infrakit.plugins.spi.Allocation;
import io.infrakit.plugins.spi.InstanceDescription;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PlannerTest {

    private static final String HASH = "current";

    private static InstanceDescription inst(String id, String hash, String logicalId) {
        Map<String, String> tags = new HashMap<>();
        tags.put(Tags.GROUP, "g");
        if (hash != null) {
            tags.put(Tags.CONFIG_SHA, hash);
        }
        return new InstanceDescription(id, logicalId, tags, null);
    }

    private static List<InstanceDescription> cattle(int n) {
        List<InstanceDescription> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(inst("i-" + i, HASH, null));
        }
        return out;
    }

    @ParameterizedTest
    @CsvSource({"0,0,0,0", "0,3,3,0", "3,3,0,0", "3,10,7,0", "10,2,0,8", "5,0,0,5", "1,1,0,0"})
    void cattleReachesExactlyTheSize(int observed, int size, int creates, int destroys) {
        Plan plan = Planner.plan(Allocation.ofSize(size), HASH, cattle(observed));
        assertThat(plan.creates()).hasSize(creates).allMatch(c -> c.logicalId() == null);
        assertThat(plan.destroys()).hasSize(destroys);
        assertThat(plan.outOfDate()).isZero();
    }

    @Test
    void aHugeSizeIsPlannedOneBatchAtATime() {
        Plan plan = Planner.plan(Allocation.ofSize(1_000_000_000_000L), HASH, cattle(3), 100);
        assertThat(plan.creates()).hasSize(100);
        Plan pets = Planner.plan(new Allocation(0, List.of("a", "b", "c")), HASH, List.of(), 2);
        assertThat(pets.creates()).extracting(Plan.Create::logicalId).containsExactly("a", "b");
    }

    @Test
    void scaleDownRemovesOutOfDateInstancesFirstThenByIdOrder() {
        List<InstanceDescription> observed = List.of(inst("a", HASH, null), inst("b", "old", null),
                inst("c", HASH, null), inst("d", "old", null));
        Plan plan = Planner.plan(Allocation.ofSize(1), HASH, observed);
        assertThat(plan.destroys()).extracting(d -> d.instance().id()).containsExactly("b", "d", "a");
        assertThat(plan.outOfDate()).isZero();
    }

    @Test
    void outOfDateInstancesAreCountedButNotReplacedByThePlan() {
        List<InstanceDescription> observed = List.of(inst("a", HASH, null), inst("b", "old", null),
                inst("c", null, null));
        Plan plan = Planner.plan(Allocation.ofSize(3), HASH, observed);
        assertThat(plan.isEmpty()).isTrue();
        assertThat(plan.outOfDate()).isEqualTo(2);
    }

    @Test
    void laterInfraKitHashTagIsRecognised() {
        InstanceDescription later = new InstanceDescription("x", null,
                Map.of(Tags.GROUP, "g", Tags.CONFIG_HASH_LATER, HASH), null);
        assertThat(Planner.isCurrent(later, HASH)).isTrue();
    }

    @Test
    void petsCreateEachMissingLogicalId() {
        Plan plan = Planner.plan(Allocation.ofLogicalIds(List.of("10.0.0.1", "10.0.0.2", "10.0.0.3")), HASH,
                List.of(inst("i-1", HASH, "10.0.0.2")));
        assertThat(plan.creates()).extracting(Plan.Create::logicalId).containsExactly("10.0.0.1", "10.0.0.3");
        assertThat(plan.destroys()).isEmpty();
    }

    @Test
    void petsDestroyUnknownAndMissingLogicalIds() {
        Plan plan = Planner.plan(Allocation.ofLogicalIds(List.of("a", "b")), HASH,
                List.of(inst("i-1", HASH, "a"), inst("i-2", HASH, "b"), inst("i-3", HASH, "z"),
                        inst("i-4", HASH, null)));
        assertThat(plan.creates()).isEmpty();
        assertThat(plan.destroys()).extracting(d -> d.instance().id()).containsExactlyInAnyOrder("i-3", "i-4");
    }

    @Test
    void petsKeepOneOfDuplicatesPreferringTheCurrentConfig() {
        Plan plan = Planner.plan(Allocation.ofLogicalIds(List.of("a")), HASH,
                List.of(inst("i-1", "old", "a"), inst("i-2", HASH, "a"), inst("i-3", HASH, "a")));
        assertThat(plan.destroys()).extracting(d -> d.instance().id()).containsExactlyInAnyOrder("i-1", "i-3");
        assertThat(plan.outOfDate()).isZero();
    }

    @Test
    void petsDuplicatesAllOldKeepTheLowestId() {
        Plan plan = Planner.plan(Allocation.ofLogicalIds(List.of("a")), HASH,
                List.of(inst("i-2", "old", "a"), inst("i-1", "old", "a")));
        assertThat(plan.destroys()).extracting(d -> d.instance().id()).containsExactly("i-2");
        assertThat(plan.outOfDate()).isEqualTo(1);
    }

    @Test
    void petsLogicalIdFromTagWhenThePluginDoesNotReportIt() {
        InstanceDescription tagged = new InstanceDescription("i-1", null,
                Map.of(Tags.GROUP, "g", Tags.CONFIG_SHA, HASH, Tags.LOGICAL_ID, "a"), null);
        Plan plan = Planner.plan(Allocation.ofLogicalIds(List.of("a")), HASH, List.of(tagged));
        assertThat(plan.isEmpty()).isTrue();
    }

    @Test
    void bootstrapInstancesAreFoundForAdoption() {
        List<InstanceDescription> observed = List.of(inst("a", Tags.BOOTSTRAP, null), inst("b", HASH, null));
        assertThat(Planner.toAdopt(observed)).extracting(InstanceDescription::id).containsExactly("a");
    }

    @Test
    void emptyGroupOfSizeZeroIsANoop() {
        assertThat(Planner.plan(Allocation.ofSize(0), HASH, List.of()).isEmpty()).isTrue();
    }
}
