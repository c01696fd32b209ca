package io.infrakit.bench;

import io.infrakit.store.StoreConfig;
import io.infrakit.store.etcd.EtcdServer;
import io.infrakit.store.etcd.EtcdStore;
import io.infrakit.store.election.Candidate;
import io.infrakit.store.election.Election;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Leader failover between replica processes on one etcd: kill -9 of the leader (and SIGTERM, for the graceful
 * handover) → the first log line of the new leader's first reconcile pass ("reconciling N groups"), seen by this
 * process polling the logs every millisecond.
 */
final class FailoverBench {

    private static final String FIRST_RECONCILE = "Controller - reconciling";
    private static final String PREFIX = "/bench";

    private FailoverBench() {
    }

    static void run(Options o) throws Exception {
        int kills = o.integer("kills", 30, 5);
        int terms = o.integer("terms", 20, 5);
        int ttl = o.integer("ttl", 5, 2);
        int replicas = o.integer("replicas", 3, 3);
        Path jar = Path.of(o.string("jar", "operator/target/infrakit.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " not found: build it with 'mvn -q -DskipTests package' first");
        }
        Path dir = Files.createTempDirectory("infrakit-bench-failover");
        try (EtcdServer etcd = EtcdServer.builder("bench", dir.resolve("etcd")).fastTimings(true).build()) {
            etcd.start();
            try (EtcdStore store = new EtcdStore(StoreConfig.of(etcd.clientUrl()))) {
                store.put(PREFIX + "/groups/web", spec());
                List<String> upArgs = List.of("--etcd", etcd.clientUrl(), "--prefix", PREFIX, "--lease-ttl",
                        ttl + "s", "--resync", "2s", "--file-dir", dir.resolve("instances").toString(),
                        "--no-group-socket");
                List<ReplicaProcess> running = new ArrayList<>();
                try {
                    for (int i = 0; i < replicas; i++) {
                        running.add(ReplicaProcess.start(jar, "r" + i, dir, upArgs));
                    }
                    awaitCandidates(store, replicas);
                    System.out.printf("failover: %d replicas, lease TTL %d s, %d kill -9 rounds, %d SIGTERM rounds%n",
                            replicas, ttl, kills, terms);
                    Stats killed = rounds(store, running, jar, dir, upArgs, kills, true);
                    System.out.println("kill -9 → new leader's first reconcile: " + killed.summary());
                    Stats graceful = rounds(store, running, jar, dir, upArgs, terms, false);
                    System.out.println("SIGTERM → new leader's first reconcile: " + graceful.summary());
                } finally {
                    running.forEach(ReplicaProcess::close);
                }
            }
        } finally {
            TempDirs.deleteTree(dir);
        }
    }

    private static Stats rounds(EtcdStore store, List<ReplicaProcess> running, Path jar, Path dir,
                                List<String> upArgs, int n, boolean kill) throws Exception {
        Stats stats = new Stats();
        for (int round = 0; round < n; round++) {
            String leaderId = ReplicaIdentityJson.id(awaitLeader(store).value());
            ReplicaProcess leader = running.stream().filter(r -> r.id.equals(leaderId)).findFirst().orElseThrow();
            List<ReplicaProcess> others = running.stream().filter(r -> r != leader).toList();
            List<Integer> before = others.stream().map(r -> r.count(FIRST_RECONCILE)).toList();
            long t0 = System.nanoTime();
            if (kill) {
                leader.kill9();
            } else {
                leader.term();
            }
            long deadline = t0 + TimeUnit.SECONDS.toNanos(60);
            boolean seen = false;
            while (!seen && System.nanoTime() < deadline) {
                for (int i = 0; i < others.size() && !seen; i++) {
                    seen = others.get(i).count(FIRST_RECONCILE) > before.get(i);
                }
                if (!seen) {
                    Thread.sleep(1);
                }
            }
            if (!seen) {
                throw new IllegalStateException("no new leader within 60 s in round " + round);
            }
            stats.add((System.nanoTime() - t0) / 1e6);
            leader.waitExit();
            running.remove(leader);
            running.add(ReplicaProcess.start(jar, leader.id, dir, upArgs));
            awaitCandidates(store, running.size());
        }
        return stats;
    }

    private static Candidate awaitLeader(EtcdStore store) throws InterruptedException {
        for (int i = 0; i < 60_000; i++) {
            Optional<Candidate> c = Election.currentLeader(store, PREFIX + "/leader/");
            if (c.isPresent()) {
                return c.get();
            }
            Thread.sleep(1);
        }
        throw new IllegalStateException("no leader");
    }

    private static void awaitCandidates(EtcdStore store, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (Election.candidates(store, PREFIX + "/leader/").size() < n) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("replicas did not all join the election");
            }
            Thread.sleep(20);
        }
    }

    private static String spec() {
        return "{\"ID\":\"web\",\"Properties\":{\"Allocation\":{\"Size\":5},"
                + "\"Instance\":{\"Plugin\":\"file\",\"Properties\":{}},"
                + "\"Flavor\":{\"Plugin\":\"vanilla\",\"Properties\":{\"Init\":[\"echo hi\"]}}}}";
    }

}
