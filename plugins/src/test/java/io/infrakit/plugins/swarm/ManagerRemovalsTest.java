package io.infrakit.plugins.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.model.SwarmNodeState;
import io.infrakit.plugins.spi.Allocation;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which down managers of a group leave the raft, from one node listing. */
class ManagerRemovalsTest {

    private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
    private static final Duration GRACE = Duration.ofSeconds(10);
    private static final Allocation PETS = Allocation.ofLogicalIds(List.of("10.0.0.1", "10.0.0.2", "10.0.0.3"));
    private static final Instant LONG_AGO = NOW.minusSeconds(30);

    private static ManagerRemovals.Node node(String id, String group, String logicalId, boolean manager,
                                             SwarmNodeState state, Instant since) {
        Map<String, String> labels = new HashMap<>();
        if (group != null) {
            labels.put("infrakit.group", group);
            labels.put(SwarmFlavorPlugin.LINK_TAG, "link-" + id);
            labels.put(SwarmFlavorPlugin.LINK_CONTEXT_TAG, "swarm::abc::manager");
        }
        if (logicalId != null) {
            labels.put("infrakit.logical_id", logicalId);
        }
        return new ManagerRemovals.Node(id, "host-" + id, manager, state, since, labels);
    }

    private static ManagerRemovals.Node ready(String id, String logicalId) {
        return node(id, "managers", logicalId, true, SwarmNodeState.READY, LONG_AGO);
    }

    private static ManagerRemovals.Node down(String id, String logicalId, Instant since) {
        return node(id, "managers", logicalId, true, SwarmNodeState.DOWN, since);
    }

    private static List<ManagerRemovals.Decision> decide(Allocation allocation, ManagerRemovals.Node... nodes) {
        return ManagerRemovals.decide(List.of(nodes), "managers", allocation, NOW, GRACE);
    }

    @Test
    void aReplacedPetLeavesOnceDownPastTheGrace() {
        ManagerRemovals.Node old = down("old", "10.0.0.2", LONG_AGO);
        ManagerRemovals.Node successor = ready("new", "10.0.0.2");
        assertThat(decide(PETS, ready("a", "10.0.0.1"), old, successor, ready("c", "10.0.0.3")))
                .containsExactly(new ManagerRemovals.Remove(old, successor));

        // Down only a moment: the grace spares it.
        assertThat(decide(PETS, ready("a", "10.0.0.1"), down("old", "10.0.0.2", NOW.minusSeconds(3)), successor,
                ready("c", "10.0.0.3"))).isEmpty();
    }

    @Test
    void aDownPetWithoutAReadyReplacementStays() {
        // Its replacement has not joined (or is not ready): the group may still be bringing it back.
        assertThat(decide(PETS, ready("a", "10.0.0.1"), down("old", "10.0.0.2", LONG_AGO), ready("c", "10.0.0.3")))
                .isEmpty();
        assertThat(decide(PETS, ready("a", "10.0.0.1"), down("old", "10.0.0.2", LONG_AGO),
                node("new", "managers", "10.0.0.2", true, SwarmNodeState.UNKNOWN, NOW), ready("c", "10.0.0.3")))
                .isEmpty();
    }

    @Test
    void onlyTheGroupsOwnManagersAreTouched() {
        ManagerRemovals.Node otherGroup = node("x", "other", "10.0.0.2", true, SwarmNodeState.DOWN, LONG_AGO);
        ManagerRemovals.Node unlabelled = node("y", null, "10.0.0.2", true, SwarmNodeState.DOWN, LONG_AGO);
        Map<String, String> workerLabels = new HashMap<>(ready("z", "10.0.0.2").labels());
        workerLabels.put(SwarmFlavorPlugin.LINK_CONTEXT_TAG, "swarm::abc::worker");
        ManagerRemovals.Node worker = new ManagerRemovals.Node("z", "host-z", true, SwarmNodeState.DOWN, LONG_AGO,
                workerLabels);

        assertThat(decide(PETS, ready("a", "10.0.0.1"), ready("b", "10.0.0.2"), ready("c", "10.0.0.3"), otherGroup,
                unlabelled, worker)).isEmpty();
    }

    @Test
    void noRemovalWithoutAQuorum() {
        // Four members, two ready: the raft cannot commit a change, so the replaced one is held, and says why.
        List<ManagerRemovals.Decision> decisions = decide(PETS, ready("a", "10.0.0.1"),
                down("old", "10.0.0.2", LONG_AGO), ready("new", "10.0.0.2"), down("c", "10.0.0.3", LONG_AGO));

        assertThat(decisions).singleElement().isInstanceOfSatisfying(ManagerRemovals.Hold.class, h -> {
            assertThat(h.node().id()).isEqualTo("old");
            assertThat(h.why()).isEqualTo("only 2 of the swarm's 4 managers are ready; removing a member needs most "
                    + "of them");
        });
    }

    @Test
    void severalReplacedOnesLeaveOneAfterAnotherWhileAMajorityIsReady() {
        ManagerRemovals.Node oldA = down("oldA", "10.0.0.1", LONG_AGO.minusSeconds(5));
        ManagerRemovals.Node oldB = down("oldB", "10.0.0.2", LONG_AGO);
        List<ManagerRemovals.Decision> decisions = decide(PETS, oldA, oldB, ready("a", "10.0.0.1"),
                ready("b", "10.0.0.2"), ready("c", "10.0.0.3"));

        assertThat(decisions).extracting(d -> d.node().id()).containsExactly("oldA", "oldB");
        assertThat(decisions).allMatch(d -> d instanceof ManagerRemovals.Remove);
    }

    @Test
    void managersWithoutLogicalIdsLeaveOnceTheGroupIsWholeWithoutThem() {
        Allocation three = Allocation.ofSize(3);
        ManagerRemovals.Node old = down("old", null, LONG_AGO);
        assertThat(decide(three, old, ready("a", null), ready("b", null)))
                .as("two of three ready: wait for the third").isEmpty();
        assertThat(decide(three, old, ready("a", null), ready("b", null), ready("c", null)))
                .containsExactly(new ManagerRemovals.Remove(old, null));
    }

    @Test
    void aPetNoLongerListedLeavesOnceTheGroupIsWhole() {
        Allocation one = Allocation.ofLogicalIds(List.of("10.0.0.1"));
        ManagerRemovals.Node gone = down("b", "10.0.0.2", LONG_AGO);
        assertThat(decide(one, ready("a", "10.0.0.1"), gone, ready("c", "10.0.0.3")))
                .containsExactly(new ManagerRemovals.Remove(gone, null));
    }

    @Test
    void aDemotedNodeOfTheGroupIsRemovedOnceDown() {
        ManagerRemovals.Node demoted = node("old", "managers", "10.0.0.2", false, SwarmNodeState.DOWN, LONG_AGO);
        assertThat(decide(PETS, ready("a", "10.0.0.1"), demoted)).containsExactly(new ManagerRemovals.Remove(demoted,
                null));
    }

    @Test
    void settledMeansAsManyAsWantedAllReady() {
        List<ManagerRemovals.Node> whole = List.of(ready("a", "10.0.0.1"), ready("b", "10.0.0.2"),
                ready("c", "10.0.0.3"));
        assertThat(ManagerRemovals.settled(whole, "managers", PETS)).isTrue();
        assertThat(ManagerRemovals.settled(List.of(ready("a", "10.0.0.1"), ready("b", "10.0.0.2"),
                ready("c", "10.0.0.3"), ready("old", "10.0.0.3")), "managers", PETS))
                .as("a dead manager not yet seen down").isFalse();
        assertThat(ManagerRemovals.settled(List.of(ready("a", "10.0.0.1"), ready("b", "10.0.0.2")), "managers", PETS))
                .as("one yet to join").isFalse();
        assertThat(ManagerRemovals.settled(List.of(ready("a", "10.0.0.1"), ready("b", "10.0.0.2"),
                down("c", "10.0.0.3", NOW)), "managers", PETS)).isFalse();
    }
}
