package io.infrakit.bench.chaos;

import io.infrakit.bench.chaos.MixFaults.Injection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The bounded chaos run: for a given time, one random fault after another (a few seconds apart), every group
 * changing meanwhile (web resized, a pet added or removed) and machines of 'web' dying; then the faults injected
 * per kind, the takeover and recovery times per kind (p50, p99), and the invariants checked from the plugin's
 * record. A seed makes the sequence of faults repeatable.
 */
final class ChaosRun {

    /** What the run found; clean when every fault was recovered from and nothing was violated or lost. */
    record Result(List<Injection> injections, LabRun.Verdict verdict, int specChanges, boolean clean) {
    }

    record Settings(Path jar, int ttlSeconds, Duration duration, long seed, boolean keep) {
    }

    private ChaosRun() {
    }

    static Result run(Settings s, Consumer<String> out) throws Exception {
        out.accept("chaos run: " + s.duration().toSeconds() + " s of random faults, seed " + s.seed());
        Random random = new Random(s.seed());
        try (LabRun run = LabRun.start(s.jar(), s.ttlSeconds(), s.keep(), out)) {
            MixFaults mix = new MixFaults(run, random, s.ttlSeconds());
            List<Injection> injections = new ArrayList<>();
            SpecChanges changes = new SpecChanges(run.groups, new Random(random.nextLong()));
            changes.start();
            long end = System.nanoTime() + s.duration().toNanos();
            try {
                while (System.nanoTime() < end) {
                    Thread.sleep(2000 + random.nextInt(3000));
                    String kind = MixFaults.KINDS.get(random.nextInt(MixFaults.KINDS.size()));
                    boolean quiet = kind.equals("nospace"); // it writes specs itself and counts destroys
                    if (quiet) {
                        changes.hold();
                        run.faults.awaitConverged(Faults.CONVERGE);
                    }
                    Injection i = mix.inject(kind);
                    changes.release();
                    injections.add(i);
                    out.accept(String.format("  %6.1f s  %-17s takeover %6s  recovered %6s%s", i.at() / 1000.0,
                            kind, i.takeoverMs() < 0 ? "-" : i.takeoverMs() + " ms", i.recoveryMs() < 0 ? "NEVER"
                                    : i.recoveryMs() + " ms", i.problem() == null ? "" : "  PROBLEM: " + i.problem()));
                    i.notes().forEach(n -> out.accept("             " + n));
                }
            } finally {
                changes.close();
            }
            LabRun.Verdict v = run.finish(out);
            summary(injections, changes.made.size(), out);
            boolean clean = run.print(v, injections.stream().allMatch(i -> i.problem() == null), out);
            return new Result(injections, v, changes.made.size(), clean);
        }
    }

    private static void summary(List<Injection> injections, int specChanges, Consumer<String> out) {
        out.accept("faults injected: " + injections.size() + "; spec changes meanwhile: " + specChanges);
        out.accept(String.format("  %-17s %4s %8s %10s %10s %10s %10s", "kind", "n", "problems", "takeover50",
                "takeover99", "recover50", "recover99"));
        Map<String, List<Injection>> byKind = new TreeMap<>();
        injections.forEach(i -> byKind.computeIfAbsent(i.kind(), k -> new ArrayList<>()).add(i));
        byKind.forEach((kind, list) -> {
            List<Long> takeovers = list.stream().map(Injection::takeoverMs).filter(t -> t >= 0).sorted().toList();
            List<Long> recoveries = list.stream().map(Injection::recoveryMs).filter(t -> t >= 0).sorted().toList();
            out.accept(String.format("  %-17s %4d %8d %10s %10s %10s %10s", kind, list.size(),
                    list.stream().filter(i -> i.problem() != null).count(), pct(takeovers, 50), pct(takeovers, 99),
                    pct(recoveries, 50), pct(recoveries, 99)));
        });
        injections.stream().filter(i -> i.problem() != null).forEach(i -> out.accept("  problem at " + i.at()
                + " ms (" + i.kind() + "): " + i.problem() + " | " + String.join(" | ", i.notes())));
    }

    /** The nearest-rank percentile, in ms ("-" when there is none). */
    static String pct(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return "-";
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1)) + " ms";
    }

    /** Groups changing while faults strike: web resized between 4 and 8, pet db-d added or removed. */
    static final class SpecChanges extends Thread implements AutoCloseable {
        private final LabGroups groups;
        private final Random random;
        final List<String> made = new CopyOnWriteArrayList<>();
        private volatile boolean running = true;
        private volatile boolean paused;
        private boolean fourPets;

        SpecChanges(LabGroups groups, Random random) {
            super("lab-spec-changes");
            setDaemon(true);
            this.groups = groups;
            this.random = random;
        }

        @Override
        public void run() {
            while (running) {
                try {
                    Thread.sleep(3000 + random.nextInt(5000));
                    if (!paused) {
                        change();
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    // etcd did not take it (a fault): the group keeps its spec, the next beat tries again
                }
            }
        }

        private synchronized void change() {
            if (paused) {
                return;
            }
            if (random.nextBoolean()) {
                int size = groups.size("web");
                int next = size;
                while (next == size) {
                    next = 4 + random.nextInt(5);
                }
                groups.cattle("web", next);
                made.add("web " + size + " -> " + next);
            } else {
                List<String> pets = fourPets ? List.of("db-a", "db-b", "db-c") : List.of("db-a", "db-b", "db-c",
                        "db-d");
                groups.pets("db", pets);
                fourPets = !fourPets;
                made.add("db " + pets.size() + " pets");
            }
        }

        /** No change from now until {@link #release} (a change under way is finished first). */
        synchronized void hold() {
            paused = true;
        }

        void release() {
            paused = false;
        }

        @Override
        public void close() {
            running = false;
            interrupt();
        }
    }
}
