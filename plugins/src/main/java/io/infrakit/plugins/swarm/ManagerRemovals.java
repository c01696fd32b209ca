package io.infrakit.plugins.swarm;

import com.github.dockerjava.api.model.SwarmNode;
import com.github.dockerjava.api.model.SwarmNodeState;
import io.infrakit.plugins.group.Tags;
import io.infrakit.plugins.spi.Allocation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Which of a group's swarm managers to take out of the raft, decided from one listing of the swarm's nodes. Pure.
 *
 * <p>A node is the group's when its engine labels carry the group and a manager link context (the flavor wrote
 * them). Such a manager is removed when all of these hold:
 * <ul>
 *   <li>it has been down for longer than the grace;</li>
 *   <li>it has been replaced: a ready manager of the group carries its logical ID; or, when it has none or the
 *       group no longer lists it, the group has as many ready managers as it wants without it;</li>
 *   <li>most of the swarm's managers are ready, so the raft can commit its removal; a down member's removal never
 *       lowers the number of ready ones, so the swarm keeps that majority after.</li>
 * </ul>
 * A replaced manager that fails only the last is held, and the hold says why. A node of the group that was a
 * manager and is already demoted (an earlier removal half done) is removed once down past the grace: it is no
 * longer in the raft.
 */
final class ManagerRemovals {

    /** What the decision needs of a swarm node. */
    record Node(String id, String hostname, boolean manager, SwarmNodeState state, Instant since,
                Map<String, String> labels) {

        Node {
            labels = labels == null ? Map.of() : Map.copyOf(labels);
        }

        static Node of(SwarmNode n) {
            Map<String, String> labels = n.getDescription() == null || n.getDescription().getEngine() == null
                    ? null : n.getDescription().getEngine().getLabels();
            return new Node(n.getId(), n.getDescription() == null ? null : n.getDescription().getHostname(),
                    n.getManagerStatus() != null, n.getStatus() == null ? null : n.getStatus().getState(),
                    n.getUpdatedAt() == null ? null : n.getUpdatedAt().toInstant(), labels);
        }

        /** Whether the flavor made this node a manager of {@code group}. */
        boolean managerOf(String group) {
            String context = labels.getOrDefault(SwarmFlavorPlugin.LINK_CONTEXT_TAG, "");
            return group.equals(labels.get(Tags.GROUP)) && context.startsWith("swarm::")
                    && context.endsWith("::" + SwarmRole.MANAGER.wireName())
                    && !labels.getOrDefault(SwarmFlavorPlugin.LINK_TAG, "").isEmpty();
        }

        String logicalId() {
            return labels.get(Tags.LOGICAL_ID);
        }

        String link() {
            return labels.get(SwarmFlavorPlugin.LINK_TAG);
        }

        boolean ready() {
            return state == SwarmNodeState.READY;
        }

        boolean downSince(Instant before) {
            return state == SwarmNodeState.DOWN && since != null && since.isBefore(before);
        }

        /** The node in a few words: ID, then logical ID or host name. */
        String describe() {
            String name = logicalId() != null ? logicalId() : hostname;
            return id + (name == null ? "" : " (" + name + ")");
        }
    }

    /** What to do with one of the group's down managers. */
    sealed interface Decision {
        Node node();
    }

    /** Demote it (when still a manager) and remove it. {@code successor} is null when no single node took its place. */
    record Remove(Node node, Node successor) implements Decision {
    }

    /** Replaced and down past the grace, but kept for now, and why. */
    record Hold(Node node, String why) implements Decision {
    }

    private ManagerRemovals() {
    }

    /** The decisions for {@code group}'s down managers, the longest-down first. */
    static List<Decision> decide(List<Node> nodes, String group, Allocation allocation, Instant now, Duration grace) {
        Instant downBefore = now.minus(grace);
        List<Node> ours = nodes.stream().filter(n -> n.managerOf(group)).toList();
        List<Node> readyOurs = ours.stream().filter(n -> n.manager() && n.ready()).toList();
        long managers = nodes.stream().filter(Node::manager).count();
        long ready = nodes.stream().filter(n -> n.manager() && n.ready()).count();
        List<Decision> decisions = new ArrayList<>();
        List<Node> down = ours.stream().filter(n -> n.downSince(downBefore))
                .sorted(Comparator.comparing(Node::since)).toList();
        for (Node node : down) {
            if (!node.manager()) {
                decisions.add(new Remove(node, null)); // demoted already: out of the raft
                continue;
            }
            Node successor = successor(node, readyOurs);
            if (!replaced(node, successor, readyOurs, allocation)) {
                continue; // not (yet): the group may still bring it back
            }
            if (ready * 2 <= managers) {
                decisions.add(new Hold(node, "only " + ready + " of the swarm's " + managers + " managers are ready;"
                        + " removing a member needs most of them"));
                continue;
            }
            decisions.add(new Remove(node, successor));
            managers--;
        }
        return decisions;
    }

    /**
     * Whether nothing is left to do or wait for: the group's manager nodes are exactly as many as it wants, all
     * ready.
     */
    static boolean settled(List<Node> nodes, String group, Allocation allocation) {
        List<Node> ours = nodes.stream().filter(n -> n.managerOf(group)).toList();
        return ours.size() == allocation.desired() && ours.stream().allMatch(n -> n.manager() && n.ready());
    }

    /** A ready manager of the group with the node's logical ID: the pet that took its place. */
    private static Node successor(Node node, List<Node> readyOurs) {
        String logicalId = node.logicalId();
        return logicalId == null ? null : readyOurs.stream()
                .filter(n -> logicalId.equals(n.logicalId()) && !n.id().equals(node.id())).findFirst().orElse(null);
    }

    private static boolean replaced(Node node, Node successor, List<Node> readyOurs, Allocation allocation) {
        List<String> wanted = allocation.logicalIds() == null ? List.of() : allocation.logicalIds();
        if (node.logicalId() != null && wanted.contains(node.logicalId())) {
            return successor != null;
        }
        return readyOurs.size() >= allocation.desired();
    }
}
