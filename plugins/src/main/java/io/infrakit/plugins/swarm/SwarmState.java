package io.infrakit.plugins.swarm;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Info;
import com.github.dockerjava.api.model.LocalNodeState;
import com.github.dockerjava.api.model.PeerNode;
import com.github.dockerjava.api.model.Swarm;
import com.github.dockerjava.api.model.SwarmInfo;
import com.github.dockerjava.api.model.SwarmJoinTokens;
import com.github.dockerjava.api.model.SwarmNode;
import java.util.List;

/**
 * What an engine says about its swarm, read once per prepare.
 *
 * @param unreachable why the engine could not be asked (null when it answered)
 * @param initialised the engine is an active member of an initialised swarm
 * @param managerAddr {@code host:port} that joining nodes dial, null when unknown
 * @param noTokens    why there are no join tokens (null when there are): the engine is not a manager, or the swarm
 *                    could not be inspected (no quorum)
 */
record SwarmState(String unreachable, boolean initialised, String swarmId, String nodeId, String managerAddr,
                  String managerToken, String workerToken, String noTokens) {

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

    /** Asks the engine: Info, then its own node and the swarm (tokens) when it is a manager. Never throws. */
    static SwarmState read(DockerClient docker) {
        Info info;
        try {
            info = docker.infoCmd().exec();
        } catch (RuntimeException e) {
            return new SwarmState(String.valueOf(e.getMessage()), false, null, null, null, null, null, null);
        }
        SwarmInfo swarm = info.getSwarm();
        if (swarm == null || swarm.getLocalNodeState() == null
                || swarm.getLocalNodeState() == LocalNodeState.INACTIVE) {
            return new SwarmState(null, false, null, null, null, null, null, NOT_IN_A_SWARM);
        }
        if (swarm.getLocalNodeState() != LocalNodeState.ACTIVE) {
            // Pending, locked or in error: in a swarm, just not usable now. Never a reason to start another one.
            return new SwarmState(null, false, null, null, null, null, null,
                    "the engine's swarm membership is " + swarm.getLocalNodeState());
        }
        String nodeId = swarm.getNodeID();
        String managerAddr = remoteManager(swarm);
        if (!Boolean.TRUE.equals(swarm.getControlAvailable())) {
            // A worker: in a swarm, but it can tell neither the tokens nor the swarm's ID.
            return new SwarmState(null, true, null, nodeId, managerAddr, null, null,
                    "the engine is a swarm worker, not a manager");
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
                        "the swarm gave no join tokens");
            }
            return new SwarmState(null, true, inspected.getId(), nodeId, managerAddr, tokens.getManager(),
                    tokens.getWorker(), null);
        } catch (RuntimeException e) {
            String swarmId = swarm.getClusterInfo() == null ? null : swarm.getClusterInfo().getId();
            return new SwarmState(null, true, swarmId, nodeId, managerAddr, null, null,
                    "cannot inspect the swarm: " + e.getMessage());
        }
    }

    private static String remoteManager(SwarmInfo swarm) {
        List<PeerNode> managers = swarm.getRemoteManagers();
        if (managers == null) {
            return null;
        }
        for (PeerNode peer : managers) {
            if (peer.getAddr() != null && !peer.getAddr().isEmpty()) {
                return peer.getAddr();
            }
        }
        return null;
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
