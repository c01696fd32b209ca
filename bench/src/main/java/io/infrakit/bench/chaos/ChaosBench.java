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

    /**
     * Lab settings: which scenarios, how long.
     *
     * @param latencyFor how long latency and loss last
     * @param deafFor    how long etcd's raft leader hears nothing from its peers
     * @param quiet      how long the leader stays the same (and the groups converged) before the next fault
     */
    public record Settings(Path jar, int ttlSeconds, Duration latencyFor, Duration deafFor, Duration quiet,
                           boolean space, boolean keep) {

        /** The full run ({@code quick}: the short one CI makes). */
        public static Settings of(Path jar, boolean quick) {
            return new Settings(jar, 5, Duration.ofSeconds(quick ? 10 : 60), Duration.ofSeconds(quick ? 10 : 15),
                    Duration.ofSeconds(quick ? 5 : 8), true, false);
        }

        public Settings withTtl(int seconds) {
            return new Settings(jar, seconds, latencyFor, deafFor, quiet, space, keep);
        }

        public Settings withLatencyFor(Duration d) {
            return new Settings(jar, ttlSeconds, d, deafFor, quiet, space, keep);
        }

        public Settings withSpace(boolean on) {
            return new Settings(jar, ttlSeconds, latencyFor, deafFor, quiet, on, keep);
        }

        public Settings withKeep(boolean on) {
            return new Settings(jar, ttlSeconds, latencyFor, deafFor, quiet, space, on);
        }
    }

    private ChaosBench() {
    }

    /** Null when the lab can run here, else why not (not root, a command missing). */
    public static String cannotRun() {
        return Shell.missing();
    }

    public static Result run(Settings s, Consumer<String> out) throws Exception {
        try (LabRun run = LabRun.start(s.jar(), s.ttlSeconds(), s.keep(), out)) {
            Faults faults = run.faults;
            List<Outcome> outcomes = new ArrayList<>();
            Duration quiet = s.quiet();
            faults.settle(quiet);
            outcomes.add(faults.latencyAndLoss(100, 0.05, s.latencyFor()));
            faults.settle(quiet);
            outcomes.add(faults.leaderInMinority(false));
            faults.settle(quiet);
            outcomes.add(faults.leaderInMinority(true));
            faults.settle(quiet);
            outcomes.add(faults.raftLeaderDeaf(s.deafFor()));
            if (s.space()) {
                faults.settle(quiet);
                outcomes.add(faults.report(new SpaceFault(run.lab, run.groups, faults).run()));
            }
            LabRun.Verdict v = run.finish(out);
            Result result = new Result(outcomes, v.invariants(), v.lostKeys(), run.dir);
            run.print(v, outcomes.stream().allMatch(o -> o.recoveryMs() >= 0), out);
            return result;
        }
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

    /**
     * {@code ./infrakit bench chaos [--quick] [--ttl 5] [--latency-seconds 60] [--space false] [--keep true]}: the
     * faults one by one; {@code --duration 15m [--seed N]}: the bounded chaos run, random faults for that long.
     */
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
        int ttl = Integer.parseInt(options.getOrDefault("ttl", "5"));
        boolean keep = options.getOrDefault("keep", "false").equals("true");
        if (options.containsKey("duration")) {
            long seed = options.containsKey("seed") ? Long.parseLong(options.get("seed")) : System.nanoTime();
            ChaosRun.Result r = ChaosRun.run(new ChaosRun.Settings(jar, ttl, duration(options.get("duration")), seed,
                    keep), System.out::println);
            System.exit(r.clean() ? 0 : 1);
        }
        Settings s = Settings.of(jar, quick).withTtl(ttl).withKeep(keep)
                .withSpace(!options.getOrDefault("space", "true").equals("false"));
        if (options.containsKey("latency-seconds")) {
            s = s.withLatencyFor(Duration.ofSeconds(Long.parseLong(options.get("latency-seconds"))));
        }
        Result r = run(s, System.out::println);
        System.exit(r.clean() ? 0 : 1);
    }

    /** {@code 90s}, {@code 15m}, {@code 1h}, or seconds. */
    static Duration duration(String text) {
        String t = text.strip().toLowerCase(java.util.Locale.ROOT);
        if (!t.matches("[0-9]+[smh]?")) {
            throw new IllegalArgumentException("--duration: expected seconds or a number with s, m or h, not " + text);
        }
        char unit = t.charAt(t.length() - 1);
        long n = Long.parseLong(Character.isDigit(unit) ? t : t.substring(0, t.length() - 1));
        return switch (unit) {
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            default -> Duration.ofSeconds(n);
        };
    }
}
