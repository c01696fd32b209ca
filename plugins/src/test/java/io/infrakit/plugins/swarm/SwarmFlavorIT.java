package io.infrakit.plugins.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.Info;
import com.github.dockerjava.api.model.LocalNodeState;
import com.github.dockerjava.api.model.Swarm;
import com.github.dockerjava.api.model.SwarmDispatcherConfig;
import com.github.dockerjava.api.model.SwarmNode;
import com.github.dockerjava.api.model.SwarmNodeState;
import io.infrakit.plugins.docker.DockerClients;
import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.spi.Allocation;
import io.infrakit.plugins.spi.Health;
import io.infrakit.plugins.spi.Index;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.spi.InstanceSpec;
import io.infrakit.plugins.testing.DockerEngine;
import io.infrakit.plugins.testing.TestImages;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;

/**
 * A real swarm of node containers (each runs its own engine) on a private bridge network: the seed manager's script
 * initialises the swarm, a second manager and workers join it, health follows the nodes, drain removes a worker's
 * node, and a killed worker's down node is removed after its replacement is prepared, once it has been down a while.
 */
@Tag("docker")
@Tag("heavy")
class SwarmFlavorIT {

    private static final String LABEL = "io.infrakit.test";
    private static final String LABEL_VALUE = "swarm-flavor-it";
    private static final String NETWORK = "infrakit-swarm-it";
    private static final String SUBNET = "10.213.51.0/24";
    private static final String SEED = "10.213.51.10";
    private static final String MANAGER_2 = "10.213.51.11";
    private static final String MANAGER_3 = "10.213.51.12"; // allocated, never started: two of three keep quorum
    /** A node's engine; {@code --tls=false} says plain TCP is meant, which spares the engine's 15 s warning pause. */
    private static final List<String> ENGINE = List.of("dockerd", "--storage-driver=vfs", "--iptables=false",
            "--bridge=none", "--ip-forward=false", "-H", "unix:///var/run/docker.sock", "-H", "tcp://0.0.0.0:2375",
            "--tls=false");
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SwarmFlavorIT.class);

    private static DockerClient host;
    private static String image;
    private static Network network;
    private static final List<GenericContainer<?>> NODES = new ArrayList<>();
    private static DockerClient seedEngine;
    private static SwarmFlavorPlugin managers;
    private static SwarmFlavorPlugin workers;

    @BeforeAll
    static void setUp() {
        host = DockerEngine.client();
        image = TestImages.node(host);
        cleanUp();
        network = DockerEngine.network(NETWORK, SUBNET, null);
        seedEngine = DockerClients.connect("tcp://" + SEED + ":2375");
        managers = new SwarmFlavorPlugin(SwarmRole.MANAGER);
        workers = new SwarmFlavorPlugin(SwarmRole.WORKER);
    }

    @AfterAll
    static void tearDown() throws IOException {
        if (managers != null) {
            managers.close();
            workers.close();
        }
        if (seedEngine != null) {
            seedEngine.close();
        }
        NODES.forEach(GenericContainer::close);
        if (network != null) {
            network.close();
        }
    }

    /** Nodes a killed run left behind (there is no reaper): their names and addresses would be taken. */
    private static void cleanUp() {
        host.listContainersCmd().withShowAll(true).withLabelFilter(Map.of(LABEL, LABEL_VALUE)).exec()
                .forEach(c -> host.removeContainerCmd(c.getId()).withForce(true).withRemoveVolumes(true).exec());
    }

    private static JsonNode properties() {
        return Json.parse("{\"SwarmJoinIP\":\"" + SEED + "\",\"Docker\":{\"Host\":\"tcp://" + SEED + ":2375\"},"
                + "\"EngineLabels\":{\"it\":\"swarm\"}}");
    }

    @Test
    void managersAndWorkersFormASwarmThatFollowsTheGroup() throws Exception {
        JsonNode props = properties();
        Allocation managerIds = Allocation.ofLogicalIds(List.of(SEED, MANAGER_2, MANAGER_3));
        Allocation twoWorkers = Allocation.ofSize(2);
        managers.validate(props, managerIds);
        workers.validate(props, twoWorkers);

        // The seed: its engine does not exist yet, so its script initialises the swarm.
        long t0 = System.nanoTime();
        InstanceSpec seed = managers.prepare(props, instance(SEED), managerIds, new Index("managers", 3));
        LOG.info("seed prepared in {} ms", (System.nanoTime() - t0) / 1_000_000);
        assertThat(seed.init()).contains("INFRAKIT_SWARM_ACTION='init'");
        String seedId = startNode("seed", SEED, seed.init());
        await("the seed's swarm", seedId, () -> {
            Info info = seedEngine.infoCmd().exec();
            return info.getSwarm() != null && info.getSwarm().getLocalNodeState() == LocalNodeState.ACTIVE
                    && Boolean.TRUE.equals(info.getSwarm().getControlAvailable());
        });
        fastHeartbeats();
        String swarmId = seedEngine.inspectSwarmCmd().exec().getId();

        // A second manager and a worker join through the seed's engine.
        InstanceSpec second = managers.prepare(props, instance(MANAGER_2), managerIds, new Index("managers", 3));
        assertThat(second.init()).contains("INFRAKIT_SWARM_ACTION='join'", "INFRAKIT_SWARM_MANAGER_ADDR='" + SEED + ":2377'");
        assertThat(second.tags()).containsEntry("swarm-id", swarmId)
                .containsEntry("infrakit-link-context", "swarm::" + swarmId + "::manager");
        String secondId = startNode("manager-2", MANAGER_2, second.init());
        InstanceSpec worker1 = workers.prepare(props, instance(null), twoWorkers, new Index("workers", 2));
        assertThat(worker1.tags()).containsEntry("infrakit-link-context", "swarm::" + swarmId + "::worker");
        String worker1Id = startNode("worker-1", "10.213.51.21", worker1.init());

        awaitHealthy(managers, seed, seedId);
        awaitHealthy(managers, second, secondId);
        awaitHealthy(workers, worker1, worker1Id);
        List<SwarmNode> nodes = seedEngine.listSwarmNodesCmd().exec();
        assertThat(nodes).hasSize(3);
        assertThat(nodes).allSatisfy(n -> assertThat(n.getDescription().getEngine().getLabels()).containsEntry("it", "swarm"));
        assertThat(nodes.stream().filter(n -> n.getManagerStatus() != null)).hasSize(2);
        // The engine's own node filter "label" matches engine labels, which is what the flavor looks for.
        String link1 = worker1.tags().get(SwarmFlavorPlugin.LINK_TAG);
        assertThat(exec(seedId, "docker", "node", "ls", "-q", "--filter", "label=infrakit-link=" + link1).trim())
                .isEqualTo(SwarmFlavorPlugin.nodesWithLabel(seedEngine, SwarmFlavorPlugin.LINK_TAG, link1).get(0).getId());

        // Drain removes the worker's node; a second drain finds nothing to do.
        workers.drain(props, description(worker1));
        assertThat(seedEngine.listSwarmNodesCmd().exec()).hasSize(2);
        assertThatNoException().isThrownBy(() -> workers.drain(props, description(worker1)));
        host.removeContainerCmd(worker1Id).withForce(true).exec();
        managers.drain(props, description(second)); // managers stay
        assertThat(seedEngine.listSwarmNodesCmd().exec()).hasSize(2);

        // A worker dies; its replacement's prepare removes the dead worker's node.
        InstanceSpec worker2 = workers.prepare(props, instance(null), twoWorkers, new Index("workers", 2));
        String worker2Id = startNode("worker-2", "10.213.51.22", worker2.init());
        awaitHealthy(workers, worker2, worker2Id);
        host.killContainerCmd(worker2Id).exec();
        String link2 = worker2.tags().get(SwarmFlavorPlugin.LINK_TAG);
        await("worker-2's node down", seedId, () -> SwarmFlavorPlugin.nodesWithLabel(seedEngine,
                SwarmFlavorPlugin.LINK_TAG, link2).get(0).getStatus().getState() == SwarmNodeState.DOWN);
        assertThat(workers.healthy(props, description(worker2))).isEqualTo(Health.UNKNOWN);

        InstanceSpec worker3 = workers.prepare(props, instance(null), twoWorkers, new Index("workers", 2));
        // Down only for a moment yet: spared. The sweeps that follow the prepare remove it past the grace.
        assertThat(SwarmFlavorPlugin.nodesWithLabel(seedEngine, SwarmFlavorPlugin.LINK_TAG, link2)).hasSize(1);
        await("worker-2's node removed", seedId, () -> SwarmFlavorPlugin.nodesWithLabel(seedEngine,
                SwarmFlavorPlugin.LINK_TAG, link2).isEmpty());
        String worker3Id = startNode("worker-3", "10.213.51.23", worker3.init());
        awaitHealthy(workers, worker3, worker3Id);
        assertThat(seedEngine.listSwarmNodesCmd().exec()).hasSize(3);
    }

    private static InstanceSpec instance(String logicalId) {
        return new InstanceSpec(null, Map.of("infrakit.group", logicalId == null ? "workers" : "managers"), "",
                logicalId, null);
    }

    private static InstanceDescription description(InstanceSpec prepared) {
        return new InstanceDescription("instance-" + prepared.tags().get(SwarmFlavorPlugin.LINK_TAG),
                prepared.logicalId(), prepared.tags(), null);
    }

    /** A machine whose entry script is the instance's init script, given the engine's command line as "$@". */
    private static String startNode(String name, String ip, String script) {
        GenericContainer<?> node = DockerEngine.container(image).withNetwork(network).withLabel(LABEL, LABEL_VALUE)
                .withCommand(ENGINE.toArray(String[]::new))
                .withCreateContainerCmdModifier(cmd -> {
                    cmd.withName("infrakit-swarm-it-" + name).withHostName(name).withIpv4Address(ip)
                            .withEntrypoint("/bin/sh", "-c", script, "init");
                    cmd.getHostConfig().withCapAdd(Capability.ALL).withCapDrop(Capability.SYS_RESOURCE)
                            .withSecurityOpts(List.of("seccomp=unconfined", "apparmor=unconfined"));
                });
        NODES.add(node);
        node.start();
        return node.getContainerId();
    }

    /** Makes nodes that stop answering count as down within seconds instead of the default quarter minute. */
    private static void fastHeartbeats() {
        Swarm swarm = seedEngine.inspectSwarmCmd().exec();
        com.github.dockerjava.api.model.SwarmSpec spec = swarm.getSpec()
                .withDispatcher(new SwarmDispatcherConfig().withHeartbeatPeriod(Duration.ofSeconds(1).toNanos()));
        seedEngine.updateSwarmCmd(spec).withVersion(swarm.getVersion().getIndex()).exec();
    }

    private static void awaitHealthy(SwarmFlavorPlugin flavor, InstanceSpec prepared, String containerId)
            throws InterruptedException {
        await("healthy " + prepared.tags().get(SwarmFlavorPlugin.LINK_TAG), containerId,
                () -> flavor.healthy(properties(), description(prepared)) == Health.HEALTHY);
    }

    private static void await(String what, String containerId, BooleanSupplier condition) throws InterruptedException {
        long start = System.nanoTime();
        try {
            awaitUntil(what, containerId, condition);
        } finally {
            LOG.info("{}: {} ms", what, (System.nanoTime() - start) / 1_000_000);
        }
    }

    private static void awaitUntil(String what, String containerId, BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException e) {
                // not there yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("timed out waiting for " + what + "; container log:\n" + logs(containerId));
    }

    private static String exec(String containerId, String... command) throws InterruptedException {
        String execId = host.execCreateCmd(containerId).withCmd(command).withAttachStdout(true).withAttachStderr(true)
                .exec().getId();
        Collect out = host.execStartCmd(execId).exec(new Collect());
        out.awaitCompletion(30, TimeUnit.SECONDS);
        return out.text.toString();
    }

    private static String logs(String containerId) throws InterruptedException {
        Collect out = host.logContainerCmd(containerId).withStdOut(true).withStdErr(true).withTail(60)
                .exec(new Collect());
        out.awaitCompletion(10, TimeUnit.SECONDS);
        return out.text.toString();
    }

    /** Collects a stream's frames as text. */
    private static final class Collect extends ResultCallback.Adapter<Frame> {
        final StringBuilder text = new StringBuilder();

        @Override
        public void onNext(Frame frame) {
            synchronized (text) {
                text.append(new String(frame.getPayload(), java.nio.charset.StandardCharsets.UTF_8));
            }
        }
    }
}
