package io.infrakit.bench.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * What every lab run shares: the cluster started, the replicas up and a leader elected, the two groups converged,
 * machines of 'web' dying from then on; at the end the invariants and the keys checked, and everything removed.
 */
final class LabRun implements AutoCloseable {

    /** What the record of the run says: the invariants, and the keys the harness wrote that are gone. */
    record Verdict(Invariants.Report invariants, List<String> lostKeys) {
    }

    /**
     * How often a machine of 'web' dies: its 8 machines outlive the quick-exit window one after another at about
     * this pace, so deaths come steadily rather than in bursts.
     */
    static final Duration CHURN = Duration.ofMillis(1800);

    final Path dir;
    final LabCluster lab;
    final LabGroups groups;
    final Faults faults;
    private boolean keep;
    private ChaosBench.Churn churn;

    private LabRun(Path dir, LabCluster lab, boolean keep, Consumer<String> out) {
        this.dir = dir;
        this.lab = lab;
        this.keep = keep;
        this.groups = new LabGroups(lab);
        this.faults = new Faults(lab, groups, out);
    }

    static LabRun start(Path jar, int ttlSeconds, boolean keep, Consumer<String> out) throws Exception {
        Path dir = Files.createTempDirectory("infrakit-lab");
        out.accept("lab: " + dir + (LabNetwork.netemAvailable() ? ""
                : " (this kernel has no tc netem: latency is added by the lab's relays, loss by iptables)"));
        LabCluster lab = LabCluster.start(dir, jar, ttlSeconds, 64L << 20);
        LabRun run = new LabRun(dir, lab, keep, out);
        try {
            for (int r = 1; r <= LabNetwork.REPLICAS; r++) {
                lab.startReplica(r);
            }
            int leader = lab.awaitLeader(Duration.ofSeconds(90));
            out.accept("lab: etcd e1..e3 at " + lab.allEndpoints() + "; replicas o1..o3 (TTL " + ttlSeconds
                    + " s); o" + leader + " leads");
            run.groups.cattle("web", 8);
            run.groups.pets("db", List.of("db-a", "db-b", "db-c"));
            if (run.faults.awaitConverged(Duration.ofSeconds(120)) < 0) {
                throw new IllegalStateException("the groups did not converge before any fault; see " + dir);
            }
            out.accept("lab: groups converged; from now on every " + CHURN.toMillis() + " ms the oldest machine of "
                    + "'web' dies once it has run " + LabGroups.OUTLIVED.toSeconds() + " s");
            run.churn = new ChaosBench.Churn(run.groups, "web", CHURN.toMillis());
            run.churn.start();
            run.awaitFirstDeath(LabGroups.OUTLIVED.plusSeconds(30));
            return run;
        } catch (Exception | Error e) {
            run.close();
            throw e;
        }
    }

    /** Waits until the first machine has died, so that the leader has calls to make when the first fault strikes. */
    private void awaitFirstDeath(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline
                && lab.plugin.calls().stream().noneMatch(c -> c.method().equals("Lost") && c.done())) {
            Thread.sleep(200);
        }
    }

    /** Stops the dying machines, waits for convergence, and checks the record. */
    Verdict finish(Consumer<String> out) throws InterruptedException {
        churn.close();
        long end = faults.awaitConverged(Faults.CONVERGE);
        out.accept("lab: faults over; everything converged " + (end < 0 ? "NEVER (within " + Faults.CONVERGE
                .toSeconds() + " s)" : end + " ms later"));
        return new Verdict(Invariants.check(lab.plugin.calls(), lab.leaderships, groups.desired), groups.lostKeys());
    }

    /** Prints the verdict; true when clean. */
    boolean print(Verdict v, boolean recovered, Consumer<String> out) {
        Invariants.Report inv = v.invariants();
        out.accept("invariants: " + inv.calls() + " plugin calls recorded from " + inv.terms() + " leader terms; "
                + lab.leaderships.size() + " leaderships seen");
        out.accept("  violations: " + inv.violations().size());
        inv.violations().forEach(x -> out.accept("    " + x));
        out.accept("  deposed leaders' calls refused by the fence: " + inv.refusedAfterDeposition().size());
        inv.refusedAfterDeposition().forEach(x -> out.accept("    " + x));
        out.accept("  keys lost: " + v.lostKeys().size() + (v.lostKeys().isEmpty() ? "" : " " + v.lostKeys()));
        boolean clean = recovered && inv.violations().isEmpty() && v.lostKeys().isEmpty();
        keep |= !clean; // what went wrong is in the logs
        out.accept(clean ? "lab: clean" : "lab: NOT CLEAN (the logs are kept in " + dir + ")");
        return clean;
    }

    @Override
    public void close() throws IOException {
        if (churn != null) {
            churn.close();
        }
        lab.close();
        if (!keep) {
            ChaosBench.deleteTree(dir);
        }
    }
}
