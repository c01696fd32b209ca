package io.infrakit.operator.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.operator.Keys;
import io.infrakit.operator.election.ReplicaIdentity;
import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.testing.DockerEngine;
import io.infrakit.store.KeyValue;
import io.infrakit.store.StoreConfig;
import io.infrakit.store.etcd.EtcdStore;
import io.infrakit.store.testing.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/deploy-swarm.md walked on one machine by its lab ({@code deploy/swarm-lab/ha-lab.sh}): three node containers,
 * each with a TLS etcd member, a Swarm manager and, through the stack, an operator replica. One replica leads and
 * converges a group; the leader's whole node is killed (its etcd member, its swarm manager and its replica at once),
 * and a replica on another node leads within seconds, on the two etcd members and two managers left. Runs after
 * {@code package} (failsafe), as it needs the image.
 */
@Tag("docker")
@Tag("heavy")
class SwarmLabIT {

    private static final Duration SCRIPT = Duration.ofMinutes(8);
    private static final Duration LEADER = Duration.ofSeconds(120);
    private static final Duration FAILOVER = Duration.ofSeconds(90);
    private static final String RUN = Long.toHexString(System.nanoTime());
    private static final String LAB = "iktest-lab-" + RUN.substring(RUN.length() - 6);
    /** The lab's /24, apart from the tutorial's and the other tests' networks. */
    private static final String NET = "10.213.72";
    private static final Keys KEYS = new Keys("/infrakit");

    @TempDir
    static Path dir;

    private static Path labDir;
    private static boolean started;

    @Test
    void theLeadersNodeDiesAndAReplicaOnAnotherNodeLeads() {
        String tarProperty = System.getProperty("infrakit.image.tar");
        Assumptions.assumeTrue(tarProperty != null,
                "runs under failsafe after 'package': mvn -pl operator -am verify -Dit.test=SwarmLabIT");
        DockerEngine.client(); // skips without an engine locally, fails under CI
        Path tar = Path.of(tarProperty);
        if (!Files.isRegularFile(tar)) {
            String why = "no image tar at " + tar + " (built by 'mvn package' unless -Dimage.skip=true)";
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError(why);
            }
            Assumptions.abort(why);
        }
        labDir = dir.resolve("lab");
        long t = System.nanoTime();
        started = true;
        String out = lab("up", tar);
        long upMs = millisSince(t);

        try (EtcdStore store = new EtcdStore(StoreConfig.builder().endpoints(endpoints().split(","))
                .caCert(labDir.resolve("pki/ca.crt"))
                .clientCert(labDir.resolve("pki/client.crt"), labDir.resolve("pki/client.key")).build())) {
            KeyValue leader = Await.value(LEADER, "a leader", () -> leaderKey(store));
            ReplicaIdentity first = ReplicaIdentity.parse(leader.value());
            assertThat(first.id()).as("replicas are named after their nodes").matches("mgr-[123]");
            Await.until(LEADER, "a replica on each node", () -> candidates(store).size() == 3);

            store.put(KEYS.group("web"), spec(3));
            awaitConverged(store, 3);
            long upToConvergedMs = millisSince(t);
            assertThat(instanceFiles(first.id())).as("the leader's node holds the file instances").isEqualTo(3);
            for (String other : List.of("mgr-1", "mgr-2", "mgr-3")) {
                if (!other.equals(first.id())) {
                    assertThat(instanceFiles(other)).as("a standby's node holds none").isZero();
                }
            }

            long killed = System.nanoTime();
            docker("kill", LAB + "-" + first.id());
            KeyValue next = Await.value(FAILOVER, "a leader on another node", () -> {
                KeyValue k = leaderKey(store);
                return k != null && !ReplicaIdentity.parse(k.value()).id().equals(first.id()) ? k : null;
            });
            long failoverMs = millisSince(killed);
            ReplicaIdentity second = ReplicaIdentity.parse(next.value());
            assertThat(second.id()).matches("mgr-[123]").isNotEqualTo(first.id());
            // The file plugin is per host: the new leader's node has none of the old one's files, so it makes its
            // own three. What must follow the leader needs a plugin whose instances live off the replicas' hosts.
            Await.until(FAILOVER, "three instance files on " + second.id(), () -> instanceFiles(second.id()) == 3);
            long ownInstancesMs = millisSince(killed);
            awaitConverged(store, 3);
            System.out.printf("[lab] ha-lab.sh up %d ms; leader %s, group converged %d ms after starting; "
                            + "%s's node killed -> %s leads after %d ms, and has made its own 3 file instances "
                            + "after %d ms%n",
                    upMs, first.id(), upToConvergedMs, first.id(), second.id(), failoverMs, ownInstancesMs);
        } catch (AssertionError | RuntimeException e) {
            System.out.println("[lab] ha-lab.sh up said:\n" + out);
            throw e;
        }
    }

    @AfterAll
    static void down() {
        if (started) {
            try {
                lab("down", null);
            } catch (RuntimeException e) {
                System.out.println("[lab] cleanup: " + e.getMessage());
            }
        }
    }

    /**
     * The file instances in the operator's volume on a node (none before its replica first used the file plugin;
     * -1 while the replica's container cannot be asked).
     */
    private static long instanceFiles(String node) {
        try {
            return docker("exec", LAB + "-" + node, "sh", "-c",
                    "docker exec $(docker ps -q -f label=com.docker.swarm.service.name=infrakit_operator) "
                            + "/bin/busybox sh -c '/bin/busybox ls /var/lib/infrakit/instances/file 2>/dev/null; true'")
                    .lines().filter(l -> !l.isBlank()).count();
        } catch (IllegalStateException e) {
            return -1;
        }
    }

    private static String endpoints() {
        return "https://" + NET + ".11:2379,https://" + NET + ".12:2379,https://" + NET + ".13:2379";
    }

    private static String spec(int size) {
        return "{\"ID\":\"web\",\"Properties\":{\"Allocation\":{\"Size\":" + size + "},"
                + "\"Instance\":{\"Plugin\":\"instance-file\",\"Properties\":{}},"
                + "\"Flavor\":{\"Plugin\":\"flavor-vanilla\",\"Properties\":{\"Init\":[\"echo hello\"]}}}}";
    }

    private static void awaitConverged(EtcdStore store, int size) {
        Await.until(LEADER, "web converged at " + size, () -> {
            JsonNode s = store.get(KEYS.status("web")).map(kv -> Json.parse(kv.value())).orElse(null);
            return s != null && s.path("Desired").asInt() == size && s.path("Observed").asInt() == size
                    && s.path("Converged").asBoolean();
        });
    }

    /** The election's leader: the key with the lowest create revision under the leader prefix. */
    private static KeyValue leaderKey(EtcdStore store) {
        try {
            return candidates(store).stream().findFirst().orElse(null);
        } catch (RuntimeException e) {
            return null; // etcd is electing after the kill
        }
    }

    /** The replicas' election keys, oldest first. */
    private static List<KeyValue> candidates(EtcdStore store) {
        return store.list(KEYS.leader()).kvs().stream()
                .sorted((a, b) -> Long.compare(a.createRevision(), b.createRevision())).toList();
    }

    /** The lab script: {@code up} (with the image tar) or {@code down}, with the test's lab settings. */
    private static String lab(String what, Path tar) {
        return run(List.of(script().toString(), what), tar);
    }

    private static String docker(String... args) {
        List<String> cmd = new ArrayList<>(List.of("docker", "-H", DockerEngine.host()));
        cmd.addAll(List.of(args));
        return run(cmd, null);
    }

    private static String run(List<String> cmd, Path tar) {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("DOCKER_HOST", DockerEngine.host());
        env.put("LAB", LAB);
        env.put("LAB_NET", NET);
        env.put("LAB_DIR", labDir.toString());
        env.put("INFRAKIT_IMAGE", System.getProperty("infrakit.image", "infrakit:0.1.0-SNAPSHOT"));
        env.put("INFRAKIT_LOG_FORMAT", "text");
        if (tar != null) {
            env.put("INFRAKIT_IMAGE_TAR", tar.toAbsolutePath().toString());
        }
        try {
            Path output = Files.createTempFile(dir, "lab", ".out");
            pb.redirectOutput(output.toFile());
            Process p = pb.start();
            if (!p.waitFor(SCRIPT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", cmd) + " did not finish in " + SCRIPT + ":\n"
                        + Files.readString(output, StandardCharsets.UTF_8));
            }
            String text = Files.readString(output, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed (" + p.exitValue() + "):\n" + text);
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Path script() {
        return Path.of(System.getProperty("infrakit.stack", "../deploy/swarm/stack.yml")).toAbsolutePath()
                .getParent().getParent().resolve("swarm-lab/ha-lab.sh");
    }

    private static long millisSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }
}
