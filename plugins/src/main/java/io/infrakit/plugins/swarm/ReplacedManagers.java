package io.infrakit.plugins.swarm;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.SwarmNode;
import com.github.dockerjava.api.model.SwarmNodeRole;
import io.infrakit.plugins.spi.Allocation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes the managers a group has replaced out of the swarm's raft, so that a dead member never stays counted
 * towards the quorum ({@link ManagerRemovals} decides which, and when). A removal is a demotion, which the raft
 * commits, then the node's removal from the node list.
 *
 * <p>A group's managers are checked when the controller passes over the group, and every {@link #EVERY} for
 * {@link #FOLLOW} after a manager is prepared, until they are settled (as many as wanted, all ready). One thread
 * does every check, so a group is never checked twice at once. What was removed, and what is held back and why,
 * are kept as notes for the group's status.
 */
final class ReplacedManagers implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReplacedManagers.class);

    /**
     * How long a manager must have been down before it is removed. Short: it is removed only once replaced, and
     * the grace only rides out a missed heartbeat.
     */
    static final Duration GRACE = Duration.ofSeconds(10);
    /** How often a group is looked at while it is being followed. */
    static final Duration EVERY = Duration.ofSeconds(2);
    /** How long a group is followed after one of its managers is prepared. */
    static final Duration FOLLOW = Duration.ofMinutes(3);
    /** Removals remembered per group. */
    static final int KEPT = 5;

    /** What is known of one group. Guarded by itself. */
    private static final class Watched {
        SwarmSpec spec;
        Allocation allocation;
        long followUntil;
        boolean scheduled;
        final Deque<String> removed = new ArrayDeque<>();
        String problem;
    }

    private final SwarmLocator locator;
    private final Clock clock;
    private final Map<String, Watched> groups = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "swarm-managers");
        t.setDaemon(true);
        return t;
    });

    ReplacedManagers(SwarmLocator locator, Clock clock) {
        this.locator = locator;
        this.clock = clock;
    }

    /** Checks {@code group} soon, then keeps checking while its managers are unsettled, for {@code follow}. */
    void check(String group, SwarmSpec spec, Allocation allocation, Duration follow) {
        if (group == null || group.isEmpty() || allocation == null) {
            return;
        }
        Watched w = groups.computeIfAbsent(group, g -> new Watched());
        synchronized (w) {
            w.spec = spec;
            w.allocation = allocation;
            w.followUntil = Math.max(w.followUntil, System.nanoTime() + follow.toNanos());
            if (w.scheduled) {
                return;
            }
            w.scheduled = schedule(group, w, Duration.ZERO);
        }
    }

    /** The group's last removals, oldest first, then what holds one back, if anything. */
    List<String> notes(String group) {
        Watched w = groups.get(group);
        if (w == null) {
            return List.of();
        }
        synchronized (w) {
            List<String> notes = new ArrayList<>(w.removed);
            if (w.problem != null) {
                notes.add(w.problem);
            }
            return List.copyOf(notes);
        }
    }

    private boolean schedule(String group, Watched w, Duration delay) {
        try {
            timer.schedule(() -> run(group, w), delay.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (RejectedExecutionException closed) {
            return false;
        }
    }

    private void run(String group, Watched w) {
        SwarmSpec spec;
        Allocation allocation;
        synchronized (w) {
            spec = w.spec;
            allocation = w.allocation;
        }
        boolean settled = false;
        try {
            settled = checkOnce(group, w, spec, allocation);
        } catch (RuntimeException e) {
            LOG.warn("checking the managers of {}: {}", group, e.toString());
        }
        synchronized (w) {
            boolean follow = !settled && System.nanoTime() < w.followUntil;
            w.scheduled = follow && schedule(group, w, EVERY);
        }
    }

    /** One look at the swarm, and the removals it calls for. Returns whether the group's managers are settled. */
    private boolean checkOnce(String group, Watched w, SwarmSpec spec, Allocation allocation) {
        SwarmLocator.Listing listing;
        try {
            listing = locator.listNodes(spec, allocation);
        } catch (RuntimeException e) {
            LOG.debug("managers of {}: no manager engine answered: {}", group, e.toString());
            return false;
        }
        DockerClient client = listing.client();
        List<SwarmNode> listed = listing.nodes();
        List<ManagerRemovals.Node> nodes = listed.stream().map(ManagerRemovals.Node::of).toList();
        locator.heardOf(spec.docker(), listed.stream().filter(n -> n.getManagerStatus() != null)
                .map(n -> n.getManagerStatus().getAddr()).toList());
        String problem = null;
        boolean removedAny = false;
        for (ManagerRemovals.Decision d : ManagerRemovals.decide(nodes, group, allocation, clock.instant(), GRACE)) {
            if (d instanceof ManagerRemovals.Hold hold) {
                problem = "manager node " + hold.node().describe() + " is down and replaced but still in the swarm: "
                        + hold.why();
            } else if (d instanceof ManagerRemovals.Remove remove) {
                try {
                    remove(client, listed, remove.node());
                    removedAny = true;
                    note(w, removal(remove));
                } catch (RuntimeException e) {
                    problem = "cannot remove manager node " + remove.node().describe() + " from the swarm: "
                            + e.getMessage();
                }
            }
        }
        synchronized (w) {
            if (problem != null && !problem.equals(w.problem)) {
                LOG.warn("{}: {}", group, problem); // once per new problem: checks repeat every few seconds
            }
            w.problem = problem;
        }
        return !removedAny && problem == null && ManagerRemovals.settled(nodes, group, allocation);
    }

    /** Demotes the node (out of the raft) unless it is a worker already, then removes it. */
    private static void remove(DockerClient client, List<SwarmNode> listed, ManagerRemovals.Node node) {
        SwarmNode n = listed.stream().filter(s -> s.getId().equals(node.id())).findFirst().orElseThrow();
        if (node.manager()) {
            LOG.info("demoting manager node {}: down since {} and replaced", node.describe(), node.since());
            client.updateSwarmNodeCmd().withSwarmNodeId(n.getId()).withVersion(n.getVersion().getIndex())
                    .withSwarmNodeSpec(n.getSpec().withRole(SwarmNodeRole.WORKER)).exec();
        }
        LOG.info("removing node {} from the swarm", node.describe());
        client.removeSwarmNodeCmd(n.getId()).withForce(true).exec();
    }

    private String removal(ManagerRemovals.Remove r) {
        return clock.instant().truncatedTo(ChronoUnit.SECONDS) + " removed manager node " + r.node().describe()
                + " from the swarm: down at least since " + r.node().since().truncatedTo(ChronoUnit.SECONDS)
                + (r.successor() == null ? ", the group whole without it" : ", replaced by " + r.successor().id());
    }

    private static void note(Watched w, String text) {
        synchronized (w) {
            w.removed.addLast(text);
            while (w.removed.size() > KEPT) {
                w.removed.removeFirst();
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
