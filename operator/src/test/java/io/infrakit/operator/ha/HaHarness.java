package io.infrakit.operator.ha;

import static org.assertj.core.api.Assertions.assertThat;

import io.infrakit.operator.Keys;
import io.infrakit.operator.election.ReplicaIdentity;
import io.infrakit.operator.group.GroupStatus;
import io.infrakit.operator.ha.ReplicaProcess.Interval;
import io.infrakit.operator.ha.ReplicaProcess.LogLine;
import io.infrakit.plugins.file.FileInstancePlugin;
import io.infrakit.plugins.group.Tags;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.store.Store;
import io.infrakit.store.StoreException;
import io.infrakit.store.election.Candidate;
import io.infrakit.store.election.Election;
import io.infrakit.store.testing.EtcdCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Per test: a 3-member etcd cluster, a temp dir (the file plugin's instance directory shared by every replica, the
 * replicas' logs), and {@code infrakit up} processes on one key prefix. Everything is killed and deleted after the
 * test, also when it fails; a failed test first prints every replica's log.
 */
final class HaHarness implements BeforeEachCallback, AfterEachCallback {

    /** Lease TTL of the replicas, and the default leader margin that goes with it (a quarter, at least 200 ms). */
    static final Duration TTL = Duration.ofSeconds(2);
    static final Duration MARGIN = Duration.ofMillis(500);
    static final Duration RESYNC = Duration.ofSeconds(1);

    EtcdCluster etcd;
    Store store;
    Keys keys;
    Path files;
    FileInstancePlugin plugin;
    /** Every replica started in this test, dead ones included: their logs are the record. */
    final List<ReplicaProcess> replicas = new ArrayList<>();

    private Path dir;
    private Path logbackConfig;
    private int next = 1;
    private Duration ttl = TTL;
    private String testName = "ha";

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        testName = context.getRequiredTestMethod().getName();
        dir = Files.createTempDirectory("infrakit-ha-");
        files = dir.resolve("instances");
        plugin = new FileInstancePlugin(files);
        logbackConfig = dir.resolve("logback-replica.xml");
        Files.writeString(logbackConfig, ReplicaProcess.logbackConfig());
        etcd = EtcdCluster.ofSize(3).start();
        store = etcd.newStore();
        keys = new Keys(EtcdCluster.uniquePrefix(testName));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        List<Runnable> steps = new ArrayList<>();
        if (context.getExecutionException().isPresent()) {
            steps.add(() -> System.out.println(report(400)));
        }
        replicas.forEach(r -> steps.add(r::close));
        if (etcd != null) {
            steps.add(etcd::close); // closes the store too
        }
        if (dir != null) {
            steps.add(() -> deleteTree(dir));
        }
        // Every step runs, whatever the others do: no process or directory is left behind.
        RuntimeException failure = null;
        for (Runnable step : steps) {
            try {
                step.run();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    // ---- replicas ----

    /** Replicas started from now on hold leases of this TTL instead of {@link #TTL}. */
    void leaseTtl(Duration ttl) {
        this.ttl = ttl;
    }

    /** Starts one more replica, named r1, r2, ... in order of start. */
    ReplicaProcess startReplica(String... extraArgs) {
        List<String> args = new ArrayList<>(List.of(
                "--etcd", String.join(",", etcd.endpoints()),
                "--prefix", keys.prefix(),
                "--lease-ttl", ttl.toSeconds() + "s",
                "--resync", RESYNC.toMillis() + "ms",
                "--file-dir", files.toString(),
                "--no-group-socket")); // replicas killed with -9 would leave sockets in the shared plugin dir
        args.addAll(List.of(extraArgs));
        ReplicaProcess r = ReplicaProcess.start("r" + next++, dir, logbackConfig, args);
        replicas.add(r);
        return r;
    }

    /** Starts n replicas at once and waits until all campaign and one of them acts as leader. */
    List<ReplicaProcess> startReplicas(int n, String... extraArgs) {
        List<ReplicaProcess> started = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            started.add(startReplica(extraArgs));
        }
        awaitCandidates();
        awaitLeader(Duration.ofSeconds(30));
        return started;
    }

    /** Fails the test at once when a replica exited without the test killing it. */
    void checkNoneDied() {
        for (ReplicaProcess r : replicas) {
            if (r.diedOnItsOwn()) {
                throw new AssertionError("replica " + r + " exited on its own; log tail:\n" + r.tail(60));
            }
        }
    }

    List<ReplicaProcess> running() {
        return replicas.stream().filter(ReplicaProcess::isAlive).toList();
    }

    /** The IDs of the election's candidates, leader first (a dead replica's key stays until its lease expires). */
    List<String> candidateIds() {
        return Election.candidates(store, keys.leader()).stream().map(Candidate::value)
                .map(v -> ReplicaIdentity.parse(v).id()).toList();
    }

    /** Waits until every running replica takes part in the election. */
    void awaitCandidates() {
        await(Duration.ofSeconds(45), "every running replica campaigns", () -> {
            checkNoneDied();
            Set<String> ids = Set.copyOf(candidateIds());
            return running().stream().allMatch(r -> ids.contains(r.id));
        });
    }

    /**
     * The acting leader: a running replica whose log says it leads and whose key is the oldest in the election
     * (the {@code infrakit leader} view). Waits until there is one.
     */
    ReplicaProcess awaitLeader(Duration timeout) {
        return awaitValue(timeout, "an acting leader", () -> {
            checkNoneDied();
            List<String> ids = candidateIds();
            if (ids.isEmpty()) {
                return null;
            }
            return running().stream().filter(r -> r.id.equals(ids.get(0)) && r.leadsByLog()).findFirst()
                    .orElse(null);
        });
    }

    /** The first "LEADERSHIP gained" line logged after {@code since} by a replica other than {@code not}. */
    Gain awaitGainAfter(long since, ReplicaProcess not, Duration timeout) {
        return awaitValue(timeout, "a new leader after " + java.time.Instant.ofEpochMilli(since), () ->
                replicas.stream().filter(r -> r != not)
                        .flatMap(r -> r.all(LogLine::gained).stream().filter(l -> l.at() >= since)
                                .map(l -> new Gain(r, l)))
                        .min(Comparator.comparingLong(g -> g.line().at()))
                        .orElse(null));
    }

    record Gain(ReplicaProcess replica, LogLine line) {
        long at() {
            return line.at();
        }
    }

    // ---- groups ----

    void commit(String id, String spec) {
        store.put(keys.group(id), spec);
    }

    List<InstanceDescription> instances(String group) {
        return plugin.describeInstances(Map.of(Tags.GROUP, group), false);
    }

    /** Instance files in the directory, by name only (cheap enough to poll every millisecond). */
    int fileCount() {
        try (Stream<Path> s = Files.list(files)) {
            return (int) s.filter(p -> !p.getFileName().toString().startsWith(".")).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Optional<GroupStatus> status(String id) {
        return store.get(keys.status(id)).flatMap(kv -> GroupStatus.fromJson(kv.value()));
    }

    /** Waits until the status says converged at n and exactly n instances of the group exist. */
    void awaitConverged(String group, int n, Duration timeout) {
        await(timeout, group + " converged at exactly " + n + " instances", () -> {
            checkNoneDied();
            return convergedAt(group, n);
        });
    }

    boolean convergedAt(String group, int n) {
        Optional<GroupStatus> s = status(group);
        return s.isPresent() && s.get().converged() && s.get().desired() == n && s.get().observed() == n
                && instances(group).size() == n;
    }

    /**
     * Watches the group for a while (here the duration is the point: several resyncs pass): it must keep exactly
     * n instances, all of them, and stay converged.
     */
    void assertStaysConverged(String group, int n, Duration window) {
        Set<String> ids = instances(group).stream().map(InstanceDescription::id).collect(Collectors.toSet());
        assertThat(ids).as("%s instances at the start of the window", group).hasSize(n);
        long end = System.nanoTime() + window.toNanos();
        while (System.nanoTime() < end) {
            Set<String> now = instances(group).stream().map(InstanceDescription::id).collect(Collectors.toSet());
            assertThat(now).as("%s instances while it should be at rest", group).isEqualTo(ids);
            ReplicaProcess.pause(50);
        }
        assertThat(convergedAt(group, n)).as("%s still converged at %d: %s", group, n, status(group)).isTrue();
    }

    // ---- safety ----

    /** Leadership intervals of every replica; {@code endAt} cuts a replica's last interval short (see callers). */
    List<Interval> intervals(Map<ReplicaProcess, Long> endAt) {
        List<Interval> all = new ArrayList<>();
        for (ReplicaProcess r : replicas) {
            List<Interval> own = new ArrayList<>(r.leadership());
            Long cut = endAt.get(r);
            if (cut != null) {
                own.replaceAll(i -> i.from() <= cut && cut < i.to() ? new Interval(i.replica(), i.from(), cut,
                        "frozen") : i);
            }
            all.addAll(own);
        }
        return all;
    }

    /**
     * At most one acting leader at every moment, and no replica called a plugin outside its own leadership: the
     * intervals of all replicas' "LEADERSHIP gained" .. "LEADERSHIP lost" (or kill time) lines do not overlap, and
     * every {@code provisioned}/{@code destroyed} line lies within one of its replica's intervals.
     */
    /** What {@link #assertSafety} looked at. */
    record Checked(int intervals, int actions) {
    }

    Checked assertSafety() {
        return assertSafety(Map.of(), List.of());
    }

    /**
     * @param frozenAt a replica's interval ends here instead (it was frozen by SIGSTOP at that moment; the caller
     *                 shows it did nothing after it resumed)
     * @param excused  plugin-action lines not held against their replica (the caller bounds them itself)
     */
    Checked assertSafety(Map<ReplicaProcess, Long> frozenAt, List<LogLine> excused) {
        List<Interval> all = intervals(frozenAt);
        assertThat(Timeline.overlaps(all)).as("overlapping leadership; intervals:%n%s", describe(all)).isEmpty();
        List<String> outside = new ArrayList<>();
        int actions = 0;
        for (ReplicaProcess r : replicas) {
            List<LogLine> own = r.all(l -> l.pluginAction() && !excused.contains(l));
            actions += own.size();
            outside.addAll(Timeline.actionsOutside(r.id, own,
                    all.stream().filter(i -> i.replica().equals(r.id)).toList()));
        }
        assertThat(outside).as("plugin calls outside leadership; intervals:%n%s", describe(all)).isEmpty();
        System.out.printf("[ha] %s: %d leadership intervals of %d replicas, none overlapping; %d plugin calls, "
                + "all within their replica's leadership%n", testName, all.size(), replicas.size(), actions);
        return new Checked(all.size(), actions);
    }

    /** Plugin actions logged by any replica at or after {@code from} and before {@code to}. */
    List<String> actionsBetween(long from, long to) {
        List<String> found = new ArrayList<>();
        for (ReplicaProcess r : replicas) {
            r.all(l -> l.pluginAction() && l.at() >= from && l.at() < to).forEach(l -> found.add(r.id + ": " + l));
        }
        return found;
    }

    static String describe(List<Interval> intervals) {
        return intervals.stream().sorted(Comparator.comparingLong(Interval::from)).map(Interval::toString)
                .collect(Collectors.joining("\n"));
    }

    String report(int tailLines) {
        StringBuilder b = new StringBuilder("==== " + testName + ": replica logs ====\n");
        Map<ReplicaProcess, Long> none = new HashMap<>();
        try {
            b.append(describe(intervals(none))).append('\n');
        } catch (RuntimeException | AssertionError e) {
            b.append("(no intervals: ").append(e.getMessage()).append(")\n");
        }
        for (ReplicaProcess r : replicas) {
            b.append("---- ").append(r).append(" ----\n").append(r.tail(tailLines)).append('\n');
        }
        return b.toString();
    }

    // ---- waiting ----

    /** Polls a condition; a store error (etcd failing over) counts as "not yet". */
    static void await(Duration timeout, String what, BooleanSupplier condition) {
        awaitValue(timeout, what, () -> condition.getAsBoolean() ? Boolean.TRUE : null);
    }

    static <T> T awaitValue(Duration timeout, String what, Supplier<T> value) {
        return awaitValue(timeout, what, 10, value);
    }

    /** Polls every millisecond: for moments the test must not miss (a scale-up under way). */
    static void awaitClosely(Duration timeout, String what, BooleanSupplier condition) {
        awaitValue(timeout, what, 1, () -> condition.getAsBoolean() ? Boolean.TRUE : null);
    }

    private static <T> T awaitValue(Duration timeout, String what, long pollMillis, Supplier<T> value) {
        long deadline = System.nanoTime() + timeout.toNanos();
        StoreException last = null;
        while (true) {
            try {
                T v = value.get();
                if (v != null) {
                    return v;
                }
            } catch (StoreException e) {
                last = e;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what
                        + (last == null ? "" : " (last store error: " + last.getMessage() + ")"));
            }
            ReplicaProcess.pause(pollMillis);
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
