package io.infrakit.plugins.swarm;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.SwarmNode;
import com.github.dockerjava.api.model.SwarmNodeState;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the down swarm nodes that dead workers leave behind (nodes down and labelled with a worker link
 * context). It sweeps when a worker is prepared or drained, and again a little later: a replacement is prepared
 * within milliseconds of its predecessor's death, long before the managers have missed enough heartbeats to call
 * that node down.
 */
final class DeadWorkerSweeper implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DeadWorkerSweeper.class);
    /** When to look again after a sweep: past the managers' down detection with default (5 s) heartbeats. */
    static final List<Duration> LATER = List.of(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60));

    private final ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "swarm-sweeper");
        t.setDaemon(true);
        return t;
    });

    /** Sweeps now, and again at each of {@link #LATER}. */
    void sweepNowAndLater(DockerClient client, String context) {
        sweep(client, context);
        for (Duration d : LATER) {
            try {
                later.schedule(() -> sweep(client, context), d.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                return;
            }
        }
    }

    /** Removes the down nodes of the context; best effort, so a failure only logs. */
    static void sweep(DockerClient client, String context) {
        try {
            for (SwarmNode node : SwarmFlavorPlugin.nodesWithLabel(client, SwarmFlavorPlugin.LINK_CONTEXT_TAG,
                    context)) {
                if (node.getStatus() != null && node.getStatus().getState() == SwarmNodeState.DOWN) {
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
