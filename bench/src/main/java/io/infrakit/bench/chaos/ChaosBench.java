package io.infrakit.bench.chaos;

import io.infrakit.bench.chaos.Faults.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The reliability lab: 3 etcd members and 3 operator replicas in network namespaces, faults injected for real
 * (partitions of the leader, asymmetric partitions, latency and loss, etcd out of space), every
 * plugin call recorded by the plugin, and the invariants checked from that record.
 */
public final class ChaosBench {

    /** What a lab run found. */
    public record Result(List<Outcome> outcomes, Invariants.Report invariants, List<String> lostKeys, Path dir) {

        /** Everything recovered, no invariant broken, no key lost. */
        public boolean clean() {
            return invariants.violations().isEmpty() && lostKeys.isEmpty()
                    && outcomes.stream().allMatch(o -> o.recoveryMs() >= 0);
        }
    }

    /** Lab settings: which scenarios, how long. */
    public record Settings(Path jar, int ttlSeconds, Duration latencyFor, boolean space, boolean keep) {
    }

    private ChaosBench() {
    }

    /** Null when the lab can run here, else why not (not root, a command missing). */
    public static String cannotRun() {
        return Shell.missing();
    }

    public static Result run(Settings s, Consumer<String> out) throws Exception {
        Path dir = Files.createTempDirectory("infrakit-lab");
        out.accept("lab: " + dir + (LabNetwork.netemAvailable() ? ""
                : " (this kernel has no tc netem: latency is added by the lab's relays, loss by iptables)"));
        LabCluster lab = LabCluster.start(dir, s.jar(), s.ttlSeconds(), 64L << 20);
        List<Outcome> outcomes = new ArrayList<>();
        Churn churn = null;
        try {
            LabGroups groups = new LabGroups(lab);
            for (int r = 1; r <= LabNetwork.REPLICAS; r++) {
                lab.startReplica(r);
            }
            int leader = lab.awaitLeader(Duration.ofSeconds(90));
            out.accept("lab: etcd e1..e3 at " + lab.allEndpoints() + "; replicas o1..o3 (TTL " + s.ttlSeconds()
                    + " s); o" + leader + " leads");
            groups.cattle("web", 4);
            groups.pets("db", List.of("db-a", "db-b", "db-c"));
            Faults faults = new Faults(lab, groups, out);
            long first = faults.awaitConverged(Duration.ofSeconds(120));
            if (first < 0) {
                throw new IllegalStateException("the groups did not converge before any fault; see " + dir);
            }
            out.accept("lab: groups converged; a machine of 'web' dies every 700 ms from now on");
            churn = new Churn(groups, "web", 700);
            churn.start();

            Duration quiet = Duration.ofSeconds(8);
            faults.settle(quiet);
            outcomes.add(faults.latencyAndLoss(100, 0.05, s.latencyFor()));
            faults.settle(quiet);
            outcomes.add(faults.leaderInMinority(false));
            faults.settle(quiet);
            outcomes.add(faults.leaderInMinority(true));
            faults.settle(quiet);
            outcomes.add(faults.raftLeaderDeaf());
            if (s.space()) {
                faults.settle(quiet);
                outcomes.add(new SpaceFault(lab, groups, faults).run());
            }
            churn.close();
            churn = null;
            long end = faults.awaitConverged(Faults.CONVERGE);
            out.accept("lab: faults over; everything converged " + end + " ms later");
            Invariants.Report report = Invariants.check(lab.plugin.calls(), lab.leaderships, groups.desired);
            List<String> lost = groups.lostKeys();
            Result result = new Result(outcomes, report, lost, dir);
            print(result, lab, out);
            return result;
        } finally {
            if (churn != null) {
                churn.close();
            }
            lab.close();
            if (!s.keep()) {
                deleteTree(dir);
            }
        }
    }

    private static void print(Result r, LabCluster lab, Consumer<String> out) {
        Invariants.Report inv = r.invariants();
        out.accept("invariants: " + inv.calls() + " plugin calls recorded from " + inv.terms() + " leader terms; "
                + lab.leaderships.size() + " leaderships seen");
        out.accept("  violations: " + inv.violations().size());
        inv.violations().forEach(v -> out.accept("    " + v));
        out.accept("  deposed leaders' calls refused by the fence: " + inv.refusedAfterDeposition().size());
        inv.refusedAfterDeposition().forEach(v -> out.accept("    " + v));
        out.accept("  keys lost: " + r.lostKeys().size() + (r.lostKeys().isEmpty() ? "" : " " + r.lostKeys()));
        out.accept(r.clean() ? "lab: clean" : "lab: NOT CLEAN (logs in " + r.dir() + " when run with --keep true)");
    }

    /** Machines of one group dying now and then, so the leader always has plugin calls to make. */
    static final class Churn extends Thread implements AutoCloseable {
        private final LabGroups groups;
        private final String group;
        private final long everyMillis;
        private volatile boolean running = true;

        Churn(LabGroups groups, String group, long everyMillis) {
            super("lab-churn");
            setDaemon(true);
            this.groups = groups;
            this.group = group;
            this.everyMillis = everyMillis;
        }

        @Override
        public void run() {
            while (running) {
                try {
                    groups.loseOne(group);
                    Thread.sleep(everyMillis);
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    // the plugin is in this process: nothing to lose but this beat
                }
            }
        }

        @Override
        public void close() {
            running = false;
            interrupt();
        }
    }

    static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** {@code ./infrakit bench chaos [--quick] [--ttl 5] [--latency-seconds 60] [--space false] [--keep true]}. */
    public static void main(Map<String, String> options, boolean quick) throws Exception {
        String why = cannotRun();
        if (why != null) {
            System.err.println("chaos: " + why);
            System.exit(2);
        }
        Path jar = Path.of(options.getOrDefault("jar", "operator/target/infrakit.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " not found: build it with 'mvn -q -DskipTests package' first");
        }
        Settings s = new Settings(jar, Integer.parseInt(options.getOrDefault("ttl", "5")),
                Duration.ofSeconds(Long.parseLong(options.getOrDefault("latency-seconds", quick ? "20" : "60"))),
                !options.getOrDefault("space", "true").equals("false"),
                options.getOrDefault("keep", "false").equals("true"));
        Result r = run(s, System.out::println);
        System.exit(r.clean() ? 0 : 1);
    }
}
