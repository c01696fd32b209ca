package io.infrakit.plugins.swarm;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.SwarmNode;
import com.github.dockerjava.api.model.SwarmNodeState;
import io.infrakit.plugins.group.Tags;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the down swarm nodes that a group's dead workers leave behind: nodes down for over {@link #GRACE} whose
 * engine labels carry the worker link context and the group. It sweeps when a worker is prepared or drained, and
 * again a little later: a replacement is prepared within milliseconds of its predecessor's death, long before the
 * managers have missed enough heartbeats to call that node down. The grace spares a node that is only cut off for
 * a moment; other groups' nodes are never touched.
 */
final class DeadWorkerSweeper implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DeadWorkerSweeper.class);
    /**
     * When to look again after a sweep: every 15 s for two minutes, past the managers' down detection with default
     * (5 s) heartbeats and the grace.
     */
    static final List<Duration> LATER = java.util.stream.IntStream.rangeClosed(1, 8)
            .mapToObj(i -> Duration.ofSeconds(15L * i)).toList();
    /** How long a node must have been down before it is removed. */
    static final Duration GRACE = Duration.ofSeconds(20);

    private final ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "swarm-sweeper");
        t.setDaemon(true);
        return t;
    });

    /**
     * Sweeps now, and again at each of {@link #LATER}, each time through the manager {@code manager} gives then
     * (the one {@code Docker.Host} names may be down by the time a later sweep runs).
     */
    void sweepNowAndLater(Supplier<DockerClient> manager, String context, String group) {
        sweep(manager, context, group);
        for (Duration d : LATER) {
            try {
                later.schedule(() -> sweep(manager, context, group), d.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                return;
            }
        }
    }

    /** Removes the group's long-down nodes of the context; best effort, so a failure only logs. */
    static void sweep(Supplier<DockerClient> manager, String context, String group) {
        long downBefore = System.currentTimeMillis() - GRACE.toMillis();
        try {
            DockerClient client = manager.get();
            for (SwarmNode node : SwarmFlavorPlugin.nodesWithLabel(client, SwarmFlavorPlugin.LINK_CONTEXT_TAG,
                    context)) {
                Map<String, String> labels = node.getDescription().getEngine().getLabels();
                if (group.equals(labels.getOrDefault(Tags.GROUP, ""))
                        && node.getStatus() != null && node.getStatus().getState() == SwarmNodeState.DOWN
                        && node.getUpdatedAt() != null && node.getUpdatedAt().getTime() < downBefore) {
                    LOG.info("removing down swarm node {} ({}) left by a dead worker", node.getId(), context);
                    client.removeSwarmNodeCmd(node.getId()).withForce(true).exec();
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("could not remove down worker nodes ({}): {}", context, e.toString());
        }
    }

    @Override
    public void close() {
        later.shutdownNow();
    }
}
