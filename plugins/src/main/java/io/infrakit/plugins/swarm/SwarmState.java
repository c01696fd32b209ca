package io.infrakit.plugins.swarm;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Info;
import com.github.dockerjava.api.model.LocalNodeState;
import com.github.dockerjava.api.model.PeerNode;
import com.github.dockerjava.api.model.Swarm;
import com.github.dockerjava.api.model.SwarmInfo;
import com.github.dockerjava.api.model.SwarmJoinTokens;
import com.github.dockerjava.api.model.SwarmNode;
import java.util.ArrayList;
import java.util.List;

/**
 * What an engine says about its swarm, read once per prepare.
 *
 * @param unreachable why the engine could not be asked (null when it answered)
 * @param initialised the engine is an active member of an initialised swarm
 * @param managerAddr {@code host:port} that joining nodes dial, null when unknown
 * @param noTokens    why there are no join tokens (null when there are): the engine is not a manager, or the swarm
 *                    could not be inspected (no quorum)
 * @param managers    the addresses ({@code host:port}) of the swarm's managers that the engine knows
 */
record SwarmState(String unreachable, boolean initialised, String swarmId, String nodeId, String managerAddr,
                  String managerToken, String workerToken, String noTokens, List<String> managers) {

    SwarmState {
        managers = managers == null ? List.of() : List.copyOf(managers);
    }

    static final String NOT_IN_A_SWARM = "the engine is not in a swarm";

    /**
     * Whether a seed may initialise a swarm here: the engine cannot be reached (the seed is being created) or it
     * answered that it is in no swarm at all.
     */
    boolean canInitialise() {
        return !reachable() || NOT_IN_A_SWARM.equals(noTokens);
    }

    /** The port managers listen on for joining nodes, when the engine does not say. */
    static final int SWARM_PORT = 2377;

    boolean reachable() {
        return unreachable == null;
    }

    /** Whether a node can join through this engine: a manager of an initialised swarm that gave tokens and an address. */
    boolean joinable() {
        return initialised && noTokens == null && managerAddr != null;
    }

    /** What the engine said, in a few words, for messages. */
    String summary() {
        if (!reachable()) {
            return "unreachable (" + unreachable + ")";
        }
        if (joinable()) {
            return "manager of swarm " + swarmId;
        }
        return noTokens != null ? noTokens : "no manager address";
    }

    /** An engine that could not be asked, and why. */
    static SwarmState unreachable(String why) {
        return new SwarmState(why, false, null, null, null, null, null, null, null);
    }

    /** Asks the engine: Info, then its own node and the swarm (tokens) when it is a manager. Never throws. */
    static SwarmState read(DockerClient docker) {
        Info info;
        try {
            info = docker.infoCmd().exec();
        } catch (RuntimeException e) {
            return unreachable(String.valueOf(e.getMessage()));
        }
        SwarmInfo swarm = info.getSwarm();
        if (swarm == null || swarm.getLocalNodeState() == null
                || swarm.getLocalNodeState() == LocalNodeState.INACTIVE) {
            return new SwarmState(null, false, null, null, null, null, null, NOT_IN_A_SWARM, null);
        }
        if (swarm.getLocalNodeState() != LocalNodeState.ACTIVE) {
            // Pending, locked or in error: in a swarm, just not usable now. Never a reason to start another one.
            return new SwarmState(null, false, null, null, null, null, null,
                    "the engine's swarm membership is " + swarm.getLocalNodeState(), null);
        }
        String nodeId = swarm.getNodeID();
        List<String> managers = remoteManagers(swarm);
        String managerAddr = managers.isEmpty() ? null : managers.get(0);
        if (!Boolean.TRUE.equals(swarm.getControlAvailable())) {
            // A worker: in a swarm, but it can tell neither the tokens nor the swarm's ID.
            return new SwarmState(null, true, null, nodeId, managerAddr, null, null,
                    "the engine is a swarm worker, not a manager", managers);
        }
        String ownAddr = ownManagerAddr(docker, nodeId);
        if (ownAddr != null) {
            managerAddr = ownAddr;
        } else if (managerAddr == null && swarm.getNodeAddr() != null && !swarm.getNodeAddr().isEmpty()) {
            managerAddr = swarm.getNodeAddr() + ":" + SWARM_PORT;
        }
        try {
            Swarm inspected = docker.inspectSwarmCmd().exec();
            SwarmJoinTokens tokens = inspected.getJoinTokens();
            if (tokens == null) {
                return new SwarmState(null, true, inspected.getId(), nodeId, managerAddr, null, null,
                        "the swarm gave no join tokens", managers);
            }
            return new SwarmState(null, true, inspected.getId(), nodeId, managerAddr, tokens.getManager(),
                    tokens.getWorker(), null, managers);
        } catch (RuntimeException e) {
            String swarmId = swarm.getClusterInfo() == null ? null : swarm.getClusterInfo().getId();
            return new SwarmState(null, true, swarmId, nodeId, managerAddr, null, null,
                    "cannot inspect the swarm: " + e.getMessage(), managers);
        }
    }

    private static List<String> remoteManagers(SwarmInfo swarm) {
        List<PeerNode> peers = swarm.getRemoteManagers();
        if (peers == null) {
            return List.of();
        }
        List<String> addrs = new ArrayList<>();
        for (PeerNode peer : peers) {
            if (peer.getAddr() != null && !peer.getAddr().isEmpty() && !addrs.contains(peer.getAddr())) {
                addrs.add(peer.getAddr());
            }
        }
        return addrs;
    }

    private static String ownManagerAddr(DockerClient docker, String nodeId) {
        if (nodeId == null || nodeId.isEmpty()) {
            return null;
        }
        try {
            for (SwarmNode node : docker.listSwarmNodesCmd().withIdFilter(List.of(nodeId)).exec()) {
                if (nodeId.equals(node.getId()) && node.getManagerStatus() != null
                        && node.getManagerStatus().getAddr() != null && !node.getManagerStatus().getAddr().isEmpty()) {
                    return node.getManagerStatus().getAddr();
                }
            }
        } catch (RuntimeException e) {
            // RemoteManagers will do.
        }
        return null;
    }
}
