package io.infrakit.operator.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.api.model.SecretSpec;
import com.github.dockerjava.api.model.Swarm;
import com.github.dockerjava.api.model.SwarmDispatcherConfig;
import com.github.dockerjava.api.model.SwarmNode;
import com.github.dockerjava.api.model.SwarmNodeState;
import io.infrakit.operator.controller.ControllerConfig;
import io.infrakit.operator.group.GroupState;
import io.infrakit.plugins.docker.DockerClients;
import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.testing.DockerEngine;
import io.infrakit.plugins.testing.TestImages;
import io.infrakit.store.testing.Await;
import io.infrakit.store.testing.EtcdCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The design goal on one machine: a Docker Swarm whose nodes are instances. Each node is a container running its
 * own engine (the docker instance plugin); a manager group of three pets and a worker group of cattle use the swarm
 * flavor. The swarm forms with five ready nodes, a killed worker is replaced and rejoins, and scaling the workers
 * 2 → 4 → 1 leaves no dead node behind. Then the managers: a killed manager is replaced and its dead member leaves
 * the raft (exactly three managers again), so the swarm still takes writes with a second manager dead; and the seed,
 * replaced while {@code Docker.Host} names only the seed, joins the swarm the others kept: one swarm, three managers.
 */
@Tag("docker")
@Tag("heavy")
class SwarmClusterIT {

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.single();

    private static final String NETWORK = "infrakit-swarm-cluster-it";
    private static final String LABEL = "io.infrakit.test";
    private static final Path EXAMPLES = Path.of("..", "docs", "examples");
    /** The tutorial's network: the managers' fixed addresses, and cattle in the upper half. */
    private static final String SUBNET = "10.213.60.0/24";
    private static final String DYNAMIC_RANGE = "10.213.60.128/25";
    private static final String SEED = "10.213.60.10";
    private static final List<String> MANAGERS = List.of(SEED, "10.213.60.11", "10.213.60.12");
    private static final Duration FORMS = Duration.ofSeconds(150);

    private static DockerClient host;
    private static String image;

    @TempDir
    Path dir;

    private DockerOperator op;
    /** The managers' engines, by logical ID. */
    private final Map<String, DockerClient> engines = new java.util.LinkedHashMap<>();

    @BeforeAll
    static void network() {
        host = DockerEngine.client();
        image = TestImages.node(host);
        removeNetwork();
        host.createNetworkCmd().withName(NETWORK).withLabels(Map.of(LABEL, NETWORK))
                .withIpam(new Network.Ipam().withConfig(new Network.Ipam.Config().withSubnet(SUBNET)
                        .withIpRange(DYNAMIC_RANGE))).exec();
    }

    @AfterAll
    static void removeNetwork() {
        if (host != null) {
            host.listNetworksCmd().withNameFilter(NETWORK).exec().stream().filter(n -> n.getName().equals(NETWORK))
                    .forEach(n -> host.removeNetworkCmd(n.getId()).exec());
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        for (DockerClient engine : engines.values()) {
            engine.close();
        }
        if (op != null) {
            op.close();
        }
    }

    /** The tutorial's spec (docs/examples), on the test's network and image: what users run is what is tested. */
    private static ObjectNode example(String file) {
        try {
            ObjectNode spec = (ObjectNode) Json.parse(Files.readString(EXAMPLES.resolve(file)));
            ObjectNode instance = (ObjectNode) spec.at("/Properties/Instance/Properties");
            ((ObjectNode) instance.get("Config")).put("Image", image);
            ((ObjectNode) instance.get("NetworkAttachments").get(0)).put("Name", NETWORK);
            return spec;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String managers() {
        return Json.write(example("swarm-managers.json"));
    }

    static String workers(int size) {
        ObjectNode spec = example("swarm-workers.json");
        ((ObjectNode) spec.at("/Properties/Allocation")).put("Size", size);
        return Json.write(spec);
    }

    /** The swarm's nodes, as the first manager that answers lists them; null while none does. */
    private List<SwarmNode> nodes() {
        for (DockerClient engine : engines.values()) {
            try {
                return engine.listSwarmNodesCmd().exec();
            } catch (RuntimeException e) {
                // that engine is not up (yet), or not a manager: ask the next
            }
        }
        return null;
    }

    private long managers(List<SwarmNode> nodes) {
        return nodes == null ? -1 : nodes.stream().filter(n -> n.getManagerStatus() != null).count();
    }

    private long ready(List<SwarmNode> nodes) {
        return nodes == null ? -1 : nodes.stream().filter(n -> n.getStatus().getState() == SwarmNodeState.READY)
                .count();
    }

    private String describe(List<SwarmNode> nodes) {
        return nodes == null ? "no swarm" : nodes.stream().map(n -> n.getDescription().getHostname() + ":"
                + n.getSpec().getRole() + ":" + n.getStatus().getState()).collect(Collectors.joining(", "));
    }

    /**
     * Waits until the swarm's nodes are exactly the groups' live containers (a node's hostname is its container's
     * short ID), all ready: none missing, none dead, none extra.
     */
    private long awaitExactlyReady(int n, Duration timeout) {
        long t0 = System.nanoTime();
        until(timeout, n + " ready nodes, one per live container, and no other", () -> {
            List<SwarmNode> nodes = nodes();
            Set<String> containers = new HashSet<>();
            for (String group : List.of("swarm-managers", "swarm-workers")) {
                op.containers(group).forEach(c -> containers.add(c.getId().substring(0, 12)));
            }
            return nodes != null && nodes.size() == n && ready(nodes) == n && containers.size() == n
                    && nodes.stream().map(node -> node.getDescription().getHostname()).collect(Collectors.toSet())
                    .equals(containers);
        });
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    }

    @Test
    void aSwarmOfContainersFormsHealsAndScales() {
        op = new DockerOperator(ETCD, "swarm", dir, ControllerConfig.defaults().withResync(Duration.ofSeconds(10)));
        // Short calls: a manager's machine dies and comes back at the same address during the test.
        MANAGERS.forEach(ip -> engines.put(ip, DockerClients.connect("tcp://" + ip + ":2375", null,
                Duration.ofSeconds(5))));

        long t0 = System.nanoTime();
        op.put("swarm-managers", managers());
        op.put("swarm-workers", workers(2));
        op.awaitConverged("swarm-managers", FORMS, 3);
        op.awaitConverged("swarm-workers", FORMS, 2);
        awaitExactlyReady(5, FORMS);
        System.out.printf("swarm: 3 managers + 2 workers ready in %d ms%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        // A joining manager's node is listed (ready) a moment before it is a member of the raft.
        until(FORMS, "3 members of the raft", () -> managers(nodes()) == 3);
        fastHeartbeats(); // a killed node is seen down in seconds, not the default 5 s × a few

        Container victim = op.containers("swarm-workers").get(0);
        long killed = System.nanoTime();
        op.docker.killContainerCmd(victim.getId()).exec();
        until(FORMS, "a replacement worker", () -> {
            List<Container> now = op.containers("swarm-workers");
            return now.size() == 2 && now.stream().noneMatch(c -> c.getId().equals(victim.getId()))
                    && ready(nodes()) == 5;
        });
        System.out.printf("swarm: worker killed -> replacement joined, 5 ready nodes in %d ms%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed));

        // The killed worker's node is removed once the managers see it down.
        awaitExactlyReady(5, FORMS);
        System.out.printf("swarm: the killed worker's down node removed %d ms after the kill%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed));

        long scaleUp = System.nanoTime();
        op.put("swarm-workers", workers(4));
        op.awaitConverged("swarm-workers", FORMS, 4);
        awaitExactlyReady(7, FORMS);
        System.out.printf("swarm: scaled to 4 workers, 7 ready nodes and no other in %d ms%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - scaleUp));

        op.put("swarm-workers", workers(1));
        op.awaitConverged("swarm-workers", FORMS, 1);
        System.out.printf("swarm: scaled to 1 worker, 4 ready nodes and no other in %d ms%n",
                awaitExactlyReady(4, Duration.ofSeconds(60)));
        assertThat(op.containers("swarm-workers")).hasSize(1);
        assertThat(op.containers("swarm-managers")).hasSize(3);

        managersLeaveTheRaftWhenReplaced();
    }

    /**
     * With Docker's default heartbeat (what users have): a killed manager is replaced and its dead member removed,
     * so exactly three managers remain; a second manager's death then leaves a quorum (two of three) that takes
     * writes. Its group freed, nothing replaces that one until the group is managed again: then the new seed joins
     * the swarm the other two kept.
     */
    private void managersLeaveTheRaftWhenReplaced() {
        heartbeat(Duration.ofSeconds(5));
        String swarmId = engines.get(SEED).inspectSwarmCmd().exec().getId();
        Container second = managerContainer("10.213.60.11");
        String secondNode = nodeOf(second);
        long killed = System.nanoTime();
        op.docker.killContainerCmd(second.getId()).exec();
        until(FORMS, "a replacement for 10.213.60.11 and its dead member gone: exactly 3 managers", () -> {
            List<SwarmNode> nodes = nodes();
            return managers(nodes) == 3 && nodes.stream().noneMatch(n -> n.getId().equals(secondNode));
        });
        long exactlyThree = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
        awaitExactlyReady(4, FORMS);
        System.out.printf("swarm: manager killed -> replaced, dead member demoted and removed: exactly 3 managers in "
                + "%d ms (default 5 s heartbeat), all nodes ready in %d ms%n", exactlyThree,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed));
        assertThat(op.awaitStatus("swarm-managers", FORMS, s -> s.notes().stream()
                .anyMatch(n -> n.contains("removed manager node " + secondNode)), "the removal in the status").notes())
                .anySatisfy(n -> assertThat(n).contains(secondNode + " (10.213.60.11)", "replaced by"));

        // A second manager dies, and nothing replaces it: two of three managers still make a quorum.
        op.store.put(op.keys.free("swarm-managers"), "{}");
        op.awaitStatus("swarm-managers", FORMS, s -> s.state() == GroupState.FREE, "swarm-managers freed");
        Container seedContainer = managerContainer(SEED);
        String seedNode = nodeOf(seedContainer);
        long seedKilled = System.nanoTime();
        op.docker.killContainerCmd(seedContainer.getId()).exec();
        DockerClient survivor = engines.get("10.213.60.11");
        String secret = Await.value(FORMS, "a write to the swarm with two of three managers", () -> {
            try {
                return survivor.createSecretCmd(new SecretSpec().withName("infrakit-it-" + System.nanoTime())
                        .withData(java.util.Base64.getEncoder().encodeToString("quorum".getBytes()))).exec().getId();
            } catch (RuntimeException e) {
                return null; // the raft is electing a new leader
            }
        });
        System.out.printf("swarm: seed killed (group freed) -> the swarm took a write after %d ms%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - seedKilled));
        assertThat(secret).isNotBlank();
        assertThat(managers(nodes())).as("the raft: the three members, one of them dead").isEqualTo(3);

        // Managed again, the seed is replaced; Docker.Host (the seed) has no swarm, the others do: it joins theirs.
        long managed = System.nanoTime();
        op.store.delete(op.keys.free("swarm-managers"));
        until(FORMS, "the new seed in the swarm and the dead one gone: one swarm, exactly 3 managers", () -> {
            List<SwarmNode> nodes = nodes();
            return managers(nodes) == 3 && nodes.stream().noneMatch(n -> n.getId().equals(seedNode))
                    && MANAGERS.stream().allMatch(ip -> swarmId.equals(swarmIdOf(ip)));
        });
        awaitExactlyReady(4, FORMS);
        System.out.printf("swarm: seed replaced -> joined the existing swarm, exactly 3 managers in %d ms%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - managed));
        assertThat(managerContainer(SEED).getLabels()).as("prepared to join, not to initialise")
                .containsEntry("swarm-id", swarmId);
    }

    private Container managerContainer(String logicalId) {
        return op.containers("swarm-managers").stream()
                .filter(c -> logicalId.equals(c.getLabels().get("infrakit.logical_id"))).findFirst()
                .orElseThrow(() -> new AssertionError("no live container for " + logicalId));
    }

    /** The swarm node of a container: its host name is the container's short ID. */
    private String nodeOf(Container c) {
        return nodes().stream().filter(n -> c.getId().startsWith(n.getDescription().getHostname())).findFirst()
                .map(SwarmNode::getId).orElseThrow(() -> new AssertionError("no node for " + c.getId()));
    }

    /** The swarm a manager's engine belongs to; null while it is in none (or not a manager). */
    private String swarmIdOf(String logicalId) {
        try {
            return engines.get(logicalId).inspectSwarmCmd().exec().getId();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** {@link Await#until}, with the swarm's nodes in the failure message. */
    private void until(Duration timeout, String what, java.util.function.BooleanSupplier condition) {
        try {
            Await.until(timeout, what, condition);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; nodes: " + describe(nodes()), e);
        }
    }

    private void fastHeartbeats() {
        heartbeat(Duration.ofSeconds(1));
    }

    private void heartbeat(Duration period) {
        DockerClient seed = engines.get(SEED);
        Swarm swarm = seed.inspectSwarmCmd().exec();
        seed.updateSwarmCmd(swarm.getSpec().withDispatcher(new SwarmDispatcherConfig()
                .withHeartbeatPeriod(period.toNanos())))
                .withVersion(swarm.getVersion().getIndex()).exec();
    }
}
