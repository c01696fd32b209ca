package io.infrakit.bench;

import io.infrakit.store.Store;
import io.infrakit.store.StoreConfig;
import io.infrakit.store.etcd.EtcdServer;
import io.infrakit.store.etcd.EtcdStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What a user's operator costs: {@code ./infrakit up} as shipped (the launcher's JVM settings, the file instance
 * plugin) beside InfraKit v0.5's own group, file instance and vanilla flavor programs doing the same work, in one
 * run. Each round starts the operator afresh and measures start → "watching", the first commit after start →
 * first instance file, later commits → first file (warm), then with G groups × I instances converged: resident
 * memory, and CPU over a window of steady state. Medians over the rounds are printed at the end. With
 * {@code --all-at-once true} the groups are committed together (as a sync of a whole repository does) and the round
 * times the convergence of all their instances, printing progress every {@code --progress} seconds; at 1,000 groups
 * × 100 that is the scale row of docs/benchmarks.md.
 */
final class FootprintBench {

    private FootprintBench() {
    }

    static void run(Options o) throws Exception {
        int groups = o.integer("groups", 10, 10);
        int instances = o.integer("instances", 50, 50);
        int rounds = o.integer("rounds", 3, 1);
        int settle = o.integer("settle", 20, 10);
        int seconds = o.integer("seconds", 60, 20);
        String goDir = o.string("go", "");
        String which = o.string("only", "both");
        Batch batch = o.string("all-at-once", "false").equals("true")
                ? new Batch(o.integer("converge-timeout", 3600, 3600), o.integer("progress", 30, 10)) : null;
        Path dir = Files.createTempDirectory("infrakit-bench-footprint");
        List<Side> sides = new ArrayList<>();
        try (EtcdServer etcd = EtcdServer.builder("bench", dir.resolve("etcd")).fastTimings(true).build()) {
            etcd.start();
            try (EtcdStore store = new EtcdStore(StoreConfig.of(etcd.clientUrl()))) {
                if (!which.equals("infrakit")) {
                    sides.add(new OperatorSide(Path.of(o.string("launcher", "./infrakit")), o.string("java-opts", ""),
                            etcd.clientUrl(), store, o.string("nmt", ""), o.string("cds", "on")));
                }
                if (!which.equals("operator")) {
                    if (goDir.isEmpty()) {
                        System.out.println("footprint: no --go DIR (bench/infrakit-go.sh builds InfraKit v0.5's "
                                + "programs): the operator alone");
                    } else {
                        sides.add(new InfraKitSide(Path.of(goDir)));
                    }
                }
                warmUp(store);
                System.out.printf("footprint: %d groups × %d instances, %d rounds, %d s settle, %d s CPU window, "
                        + "load average %s%n", groups, instances, rounds, settle, seconds, Load.now());
                for (int r = 1; r <= rounds; r++) {
                    for (Side side : sides) {
                        round(side, dir.resolve(side.name() + "-" + r), r, groups, instances, settle, seconds,
                                batch);
                    }
                }
            }
        } finally {
            if (o.string("keep", "false").equals("false")) {
                Files.walk(dir).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } else {
                System.out.println("footprint: logs kept in " + dir);
            }
        }
        System.out.printf("footprint: medians over %d rounds (load average at the end %s)%n", rounds, Load.now());
        for (Side side : sides) {
            side.results().print(side.name());
        }
    }

    /**
     * The bench's own etcd client, warmed before any round: otherwise the first commit it times includes its first
     * connection and a cold put path (about 350 ms), which is the bench's cost, not the operator's.
     */
    private static void warmUp(Store store) {
        for (int i = 0; i < 200; i++) {
            store.put("/footprint-warm-up", Integer.toString(i));
        }
        store.delete("/footprint-warm-up");
    }

    /** Commit all groups at once; wait at most {@code timeout} s for their instances, reporting every few seconds. */
    record Batch(int timeoutSeconds, int progressSeconds) {
    }

    private static void round(Side side, Path dir, int round, int groups, int instances, int settle, int seconds,
            Batch batch) throws Exception {
        Path files = dir.resolve("files");
        Files.createDirectories(files);
        Results results = side.results();
        long started = System.nanoTime();
        side.start(dir, files, round);
        try { // a failed round must not leave its operator running
            results.ready.add(ms(System.nanoTime() - started));
            results.startCpu.add(1000.0 * side.cpuTicks() / Proc.TICKS_PER_SECOND);
            for (int g = 0; batch == null && g < groups; g++) {
                int before = count(files);
                long put = System.nanoTime();
                side.commit("g" + g, instances, round);
                long first = await(files, before + 1, put);
                long all = await(files, before + instances, put);
                (g == 0 ? results.firstCommit : results.warmCommit).add(ms(first - put));
                if (g == 0) {
                    results.firstAll.add(ms(all - put));
                }
            }
            if (batch != null) {
                converge(side, files, round, groups, instances, batch);
            }
            Thread.sleep(TimeUnit.SECONDS.toMillis(settle));
            long cpu0 = side.cpuTicks();
            long t0 = System.nanoTime();
            Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
            double cpu = 100.0 * (side.cpuTicks() - cpu0) / Proc.TICKS_PER_SECOND / ((System.nanoTime() - t0) / 1e9);
            long rss = side.rssKb();
            results.cpu.add(cpu);
            results.rss.add(rss / 1024.0);
            results.peakRss.add(side.peakRssKb() / 1024.0);
            System.out.printf("  %s round %d: ready %.0f ms (CPU %.0f ms); first commit → first file %.0f ms "
                            + "(all %d: %.0f ms); warm commit → first file p50 %.0f ms; %d files; RSS %.1f MB; "
                            + "CPU %.2f %% of a core (load %s)%n", side.name(), round, last(results.ready),
                    last(results.startCpu), last(results.firstCommit), instances, last(results.firstAll),
                    side.lastWarm(results, groups - 1), count(files), rss / 1024.0, cpu, Load.now());
        } finally {
            side.stop(dir);
        }
    }

    /**
     * Commits every group at once, then counts the instance files once a second (a listing of the directory, which
     * would cost the operator's CPU if done every millisecond) until all are there.
     */
    private static void converge(Side side, Path files, int round, int groups, int instances, Batch batch)
            throws Exception {
        Results results = side.results();
        int total = groups * instances;
        long put = System.nanoTime();
        for (int g = 0; g < groups; g++) {
            side.commit("g" + g, instances, round);
        }
        long first = await(files, 1, put);
        results.firstCommit.add(ms(first - put));
        long deadline = put + TimeUnit.SECONDS.toNanos(batch.timeoutSeconds());
        long lastReport = put;
        long cpuAtReport = side.cpuTicks();
        int filesAtReport = 0;
        int now;
        while ((now = count(files)) < total) {
            long t = System.nanoTime();
            if (t > deadline) {
                throw new IllegalStateException(now + " of " + total + " instance files after "
                        + batch.timeoutSeconds() + " s");
            }
            if (t - lastReport >= TimeUnit.SECONDS.toNanos(batch.progressSeconds())) {
                double window = (t - lastReport) / 1e9;
                long cpu = side.cpuTicks();
                System.out.printf("    %.0f s: %,d files (%.0f a second), operator CPU %.0f %% of a core, RSS %.1f MB"
                                + " (load %s)%n", (t - put) / 1e9, now, (now - filesAtReport) / window,
                        100.0 * (cpu - cpuAtReport) / Proc.TICKS_PER_SECOND / window, side.rssKb() / 1024.0,
                        Load.now());
                lastReport = t;
                cpuAtReport = cpu;
                filesAtReport = now;
            }
            Thread.sleep(1000);
        }
        double took = (System.nanoTime() - put) / 1e9;
        results.converge.add(took);
        results.firstAll.add(took * 1000);
        System.out.printf("  %s round %d: %d groups committed at once → all %,d instance files in %.1f s (%.0f a "
                + "second), RSS %.1f MB, peak %.1f MB%n", side.name(), round, groups, total, took, total / took,
                side.rssKb() / 1024.0, side.peakRssKb() / 1024.0);
    }

    private static double last(List<Double> values) {
        return values.get(values.size() - 1);
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    /** Waits until the directory holds {@code n} instance files; returns when it saw them (polled every ms). */
    private static long await(Path files, int n, long since) throws Exception {
        long deadline = since + TimeUnit.SECONDS.toNanos(60);
        while (count(files) < n) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no " + n + " instance files in " + files + " after 60 s");
            }
            Thread.sleep(1);
        }
        return System.nanoTime();
    }

    /** The same group for both: file instances, vanilla flavor (the getting-started example's plugins). */
    static String spec(String id, int size) {
        return "{\"ID\":\"" + id + "\",\"Properties\":{\"Allocation\":{\"Size\":" + size + "},"
                + "\"Instance\":{\"Plugin\":\"instance-file\",\"Properties\":{\"Note\":\"bench\"}},"
                + "\"Flavor\":{\"Plugin\":\"flavor-vanilla\",\"Properties\":{\"Init\":[\"echo hi\"],"
                + "\"Tags\":{\"tier\":\"bench\"}}}}}";
    }

    /** Instance files: neither hidden nor a writer's temporary file. */
    static int count(Path files) throws Exception {
        try (var list = Files.list(files)) {
            return (int) list.map(p -> p.getFileName().toString())
                    .filter(n -> !n.startsWith(".") && !n.contains("tmp")).count();
        }
    }

    /** One of the two things compared. */
    interface Side {
        String name();

        Results results();

        void start(Path dir, Path files, int round) throws Exception;

        void commit(String id, int size, int round) throws Exception;

        long cpuTicks();

        long rssKb();

        /** The most resident memory so far (VmHWM), or -1 when unknown. */
        default long peakRssKb() {
            return -1;
        }

        void stop(Path dir) throws Exception;

        default double lastWarm(Results r, int n) {
            return Results.median(r.warmCommit.subList(Math.max(0, r.warmCommit.size() - n), r.warmCommit.size()));
        }
    }

    /** Samples per measure, over all rounds. */
    static final class Results {
        final List<Double> ready = new ArrayList<>();
        /** CPU time used until ready: what a start costs whatever the machine's load. */
        final List<Double> startCpu = new ArrayList<>();
        final List<Double> firstCommit = new ArrayList<>();
        final List<Double> firstAll = new ArrayList<>();
        final List<Double> warmCommit = new ArrayList<>();
        final List<Double> rss = new ArrayList<>();
        final List<Double> cpu = new ArrayList<>();
        /** Seconds from committing all groups at once to all their instance files ({@code --all-at-once}). */
        final List<Double> converge = new ArrayList<>();
        final List<Double> peakRss = new ArrayList<>();

        static double median(List<Double> values) {
            if (values.isEmpty()) {
                return Double.NaN;
            }
            List<Double> sorted = new ArrayList<>(values);
            sorted.sort(null);
            int n = sorted.size();
            return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        }

        void print(String name) {
            System.out.printf("  %-9s ready %.0f ms (CPU %.0f ms) | first commit → first file %.0f ms "
                            + "(all instances %.0f ms) | warm commit → first file %.0f ms (n=%d) | RSS %.1f MB %s | "
                            + "CPU %.2f %% of a core %s%n", name, median(ready), median(startCpu),
                    median(firstCommit), median(firstAll), median(warmCommit), warmCommit.size(),
                    median(rss), rss, median(cpu), cpu.stream().map(c -> String.format("%.2f", c)).toList());
            if (!converge.isEmpty()) {
                System.out.printf("  %-9s all groups at once → all instances %.1f s %s | peak RSS %.1f MB%n", name,
                        median(converge), converge, median(peakRss));
            }
        }
    }

    /** CPU and memory of processes, from /proc. */
    static final class Proc {
        static final long TICKS_PER_SECOND = 100;

        static long cpuTicks(long pid) {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
            } catch (Exception e) {
                throw new IllegalStateException("cannot read the CPU time of " + pid, e);
            }
        }

        static long rssKb(long pid) {
            return status(pid, "VmRSS:");
        }

        static long peakRssKb(long pid) {
            return status(pid, "VmHWM:");
        }

        private static long status(long pid, String field) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                    if (line.startsWith(field)) {
                        return Long.parseLong(line.replaceAll("[^0-9]", ""));
                    }
                }
            } catch (Exception e) {
                throw new IllegalStateException("cannot read " + field + " of " + pid, e);
            }
            throw new IllegalStateException("no " + field + " for " + pid);
        }

        static long sum(List<Process> processes, java.util.function.ToLongFunction<Long> f) {
            return processes.stream().mapToLong(p -> f.applyAsLong(p.pid())).sum();
        }
    }

    /** The load average (1, 5, 15 min), to note how busy the shared machine was. */
    static final class Load {
        static String now() {
            try {
                String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
                return f[0] + " " + f[1] + " " + f[2];
            } catch (Exception e) {
                return "?";
            }
        }
    }
}
