package io.infrakit.operator.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.operator.Keys;
import io.infrakit.operator.election.ReplicaIdentity;
import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.testing.DockerEngine;
import io.infrakit.store.KeyValue;
import io.infrakit.store.StoreConfig;
import io.infrakit.store.etcd.EtcdServer;
import io.infrakit.store.etcd.EtcdStore;
import io.infrakit.store.etcd.LocalPorts;
import io.infrakit.store.testing.TestCertificates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's image, as Maven builds it ({@code target/infrakit-image.tar}), deployed with the real
 * {@code deploy/swarm/stack.yml} on a one-node Swarm of the test engine, against an etcd that requires TLS client
 * certificates, handed to the replica as Docker secrets: the replica becomes leader and converges a group of the
 * {@code file} plugin; after {@code docker kill}, Swarm starts a new container, which takes the leadership back
 * and goes on converging. Runs after {@code package} (failsafe), as it needs the image.
 */
@Tag("docker")
@Tag("heavy")
class SwarmStackIT {

    private static final Duration DOCKER_CALL = Duration.ofMinutes(2);
    private static final Duration LEADER = Duration.ofSeconds(90);
    private static final Duration CONVERGE = Duration.ofSeconds(60);
    private static final Duration RESTART = Duration.ofSeconds(60);
    private static final Duration CLEANUP = Duration.ofSeconds(90);
    private static final String GROUP = "web";

    @TempDir
    static Path dir;

    private static final String RUN = Long.toHexString(System.nanoTime());
    private static final String STACK = "iktest" + RUN;
    private static final String SERVICE = STACK + "_operator";
    private static final String SECRETS = "iktest-" + RUN + "-etcd";
    private static final Keys KEYS = new Keys("/ik-swarm-" + RUN);

    private static final List<String> createdSecrets = new ArrayList<>();
    private static final Map<String, String> stackEnv = new HashMap<>();
    private static TestCertificates certs;
    private static EtcdServer etcd;
    private static EtcdStore store;
    private static boolean deployed;
    private static boolean swarmOurs;

    @Test
    void replicaInTheStackLeadsConvergesAndComesBackAfterAKill() throws Exception {
        // Failsafe runs this after 'package' and names the image; surefire (-Dtest=...) would run it before the image
        // is rebuilt, against a stale tar or none.
        String tarProperty = System.getProperty("infrakit.image.tar");
        Assumptions.assumeTrue(tarProperty != null,
                "runs under failsafe after 'package': mvn -pl operator -am verify -Dit.test=SwarmStackIT");
        DockerEngine.client(); // skips without an engine locally, fails under CI
        String image = System.getProperty("infrakit.image", "infrakit:0.1.0-SNAPSHOT");
        Path tar = Path.of(tarProperty);
        Path stackFile = Path.of(System.getProperty("infrakit.stack", "../deploy/swarm/stack.yml"));
        if (!Files.isRegularFile(tar)) {
            String why = "no image tar at " + tar + " (built by 'mvn package' unless -Dimage.skip=true)";
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError(why);
            }
            Assumptions.abort(why);
        }
        assertThat(stackFile).isRegularFile();

        long t = System.nanoTime();
        docker("load", "-i", tar.toString());
        long loadMs = millisSince(t);

        startSecureEtcd();
        if (docker("info", "--format", "{{.Swarm.LocalNodeState}}").strip().equals("inactive")) {
            docker("swarm", "init", "--advertise-addr", "127.0.0.1");
            swarmOurs = true;
        }
        // The real TLS material as secrets: the stack mounts them, the replica cannot reach etcd without them.
        secret(SECRETS + "-ca", certs.ca());
        secret(SECRETS + "-cert", certs.clientCert());
        secret(SECRETS + "-key", certs.clientKey());

        // The test's copy of the settings the stack takes from the environment, and of up.args.
        int httpPort = LocalPorts.free(1)[0];
        Path upArgs = dir.resolve("up.args");
        Files.writeString(upArgs, "# test copy of deploy/swarm/up.args\n--prefix " + KEYS.prefix()
                + "\n--lease-ttl 5s\n--resync 2s\n");
        stackEnv.put("INFRAKIT_IMAGE", image);
        stackEnv.put("INFRAKIT_ETCD", etcd.clientUrl());
        stackEnv.put("INFRAKIT_HTTP_PORT", Integer.toString(httpPort));
        stackEnv.put("INFRAKIT_ETCD_SECRETS", SECRETS);
        stackEnv.put("INFRAKIT_UP_ARGS", upArgs.toString());
        stackEnv.put("INFRAKIT_CONFIG_VERSION", RUN);
        stackEnv.put("INFRAKIT_LOG_FORMAT", "text");
        stackEnv.put("INFRAKIT_HEALTH_INTERVAL", "2s");
        stackEnv.put("INFRAKIT_RESTART_DELAY", "1s");

        try {
            t = System.nanoTime();
            deployed = true;
            docker("stack", "deploy", "--resolve-image", "never", "-c", stackFile.toString(), STACK);
            String first = await(LEADER, "a running container of " + SERVICE, 100, SwarmStackIT::runningContainer);
            long deployToContainerMs = millisSince(t);
            KeyValue leader = await(LEADER, "a leader under " + KEYS.leader(), 20, SwarmStackIT::leaderKey);
            long deployToLeaderMs = millisSince(t);
            ReplicaIdentity who = ReplicaIdentity.parse(leader.value());
            assertThat(who.pid()).as("the replica is PID 1 of its container").isEqualTo(1);
            await(LEADER, "/readyz on port " + httpPort, 100,
                    () -> http(httpPort, "/readyz").filter(b -> b.contains("readyz check passed")).orElse(null));

            t = System.nanoTime();
            store.put(KEYS.group(GROUP), spec(3));
            awaitConverged(3);
            long convergeMs = millisSince(t);
            assertThat(instanceFiles(first)).as("instance files in the container's volume").hasSize(3);
            await(LEADER, "the health check to pass", 200,
                    () -> "healthy".equals(health(first)) ? Boolean.TRUE : null);

            t = System.nanoTime();
            docker("kill", first);
            String second = await(RESTART, "a new container after the kill", 100,
                    () -> Optional.ofNullable(runningContainer()).filter(id -> !id.equals(first)).orElse(null));
            long killToContainerMs = millisSince(t);
            KeyValue back = await(LEADER, "the leadership back", 20, () -> Optional.ofNullable(leaderKey())
                    .filter(kv -> !kv.key().equals(leader.key())).orElse(null));
            long killToLeaderMs = millisSince(t);
            assertThat(ReplicaIdentity.parse(back.value()).id()).as("same node, same replica name")
                    .isEqualTo(who.id());

            // The CLI in the image, as docs/deploy-swarm.md uses it, with the replica's own settings.
            String table = docker("exec", second, "infrakit", "leader", "--prefix", KEYS.prefix());
            assertThat(table).as(table)
                    .containsPattern("(?m)^leader\\s+" + java.util.regex.Pattern.quote(who.id()) + "\\s");

            // Still converged, and the new container acts: it scales the group up.
            awaitConverged(3);
            t = System.nanoTime();
            store.put(KEYS.group(GROUP), spec(4));
            awaitConverged(4);
            long scaleMs = millisSince(t);
            assertThat(instanceFiles(second)).as("instance files after the restart").hasSize(4);

            System.out.printf("[swarm] docker load %d ms; deploy -> container %d ms, -> leader %d ms; 3 instances "
                            + "in %d ms; kill -> new container %d ms, -> leader again %d ms; scale 3 -> 4 in %d ms%n",
                    loadMs, deployToContainerMs, deployToLeaderMs, convergeMs, killToContainerMs, killToLeaderMs,
                    scaleMs);
        } catch (AssertionError | RuntimeException e) {
            System.out.println(diagnostics());
            throw e;
        }
    }

    @AfterAll
    static void tearDown() {
        try {
            if (deployed) {
                quietly("stack", "rm", STACK);
                awaitQuietly("the stack's containers to go", () -> containers().isEmpty());
                awaitQuietly("the stack's volume to go", () -> {
                    quietly("volume", "rm", STACK + "_state");
                    return !docker("volume", "ls", "-q").lines().anyMatch((STACK + "_state")::equals);
                });
                run(List.of("config", "rm", "infrakit-up-args-" + RUN), true); // 'stack rm' removes it, normally
            }
            for (String s : createdSecrets) {
                quietly("secret", "rm", s);
            }
            if (swarmOurs) {
                quietly("swarm", "leave", "--force");
            }
        } finally {
            if (store != null) {
                store.close();
            }
            if (etcd != null) {
                etcd.close();
            }
        }
    }

    /** A single etcd on loopback that takes only clients with a certificate from the test CA. */
    private static void startSecureEtcd() {
        certs = TestCertificates.create(dir.resolve("pki"));
        etcd = EtcdServer.builder("swarm", dir.resolve("etcd"))
                .tls(new EtcdServer.Tls(certs.serverCert(), certs.serverKey(), certs.ca()))
                .fastTimings(true).build();
        etcd.start();
        store = new EtcdStore(StoreConfig.builder().endpoints(etcd.clientUrl()).caCert(certs.ca())
                .clientCert(certs.clientCert(), certs.clientKey()).build());
    }

    private static String spec(int size) {
        return "{\"ID\":\"" + GROUP + "\",\"Properties\":{\"Allocation\":{\"Size\":" + size + "},"
                + "\"Instance\":{\"Plugin\":\"instance-file\",\"Properties\":{}},"
                + "\"Flavor\":{\"Plugin\":\"flavor-vanilla\",\"Properties\":{\"Init\":[\"echo hello\"]}}}}";
    }

    private static void awaitConverged(int size) {
        await(CONVERGE, GROUP + " converged at " + size, 50, () -> {
            JsonNode status = store.get(KEYS.status(GROUP)).map(kv -> Json.parse(kv.value())).orElse(null);
            boolean done = status != null && status.path("Desired").asInt() == size
                    && status.path("Observed").asInt() == size && status.path("Converged").asBoolean();
            return done ? Boolean.TRUE : null;
        });
    }

    /** The election's leader: the key with the lowest create revision under the leader prefix. */
    private static KeyValue leaderKey() {
        return store.list(KEYS.leader()).kvs().stream()
                .min((a, b) -> Long.compare(a.createRevision(), b.createRevision())).orElse(null);
    }

    private static List<String> instanceFiles(String container) {
        return docker("exec", container, "/bin/busybox", "ls", "/var/lib/infrakit/instances/file").lines()
                .filter(l -> !l.isBlank()).toList();
    }

    private static String health(String container) {
        return docker("inspect", "--format", "{{.State.Health.Status}}", container).strip();
    }

    private static List<String> containers() {
        return docker("ps", "-aq", "--filter", "label=com.docker.swarm.service.name=" + SERVICE).lines()
                .filter(l -> !l.isBlank()).toList();
    }

    private static String runningContainer() {
        return docker("ps", "-q", "--no-trunc", "--filter", "label=com.docker.swarm.service.name=" + SERVICE,
                "--filter", "status=running").lines().filter(l -> !l.isBlank()).findFirst().orElse(null);
    }

    private static void secret(String name, Path file) {
        docker("secret", "create", name, file.toString());
        createdSecrets.add(name);
    }

    private static Optional<String> http(int port, String path) {
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? Optional.of(r.body()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static String diagnostics() {
        StringBuilder out = new StringBuilder("[swarm] diagnostics\n");
        for (String[] cmd : List.of(new String[] {"service", "ps", "--no-trunc", SERVICE},
                new String[] {"service", "logs", "--raw", "--tail", "80", SERVICE})) {
            try {
                out.append(run(List.of(cmd), true)).append('\n');
            } catch (RuntimeException e) {
                out.append(e.getMessage()).append('\n');
            }
        }
        return out.toString();
    }

    private static String docker(String... args) {
        return run(List.of(args), false);
    }

    private static void quietly(String... args) {
        try {
            run(List.of(args), false);
        } catch (RuntimeException e) {
            System.out.println("[swarm] cleanup: " + e.getMessage());
        }
    }

    /** Runs the docker CLI against the test engine, with the stack's settings in its environment. */
    private static String run(List<String> args, boolean tolerateFailure) {
        List<String> cmd = new ArrayList<>(List.of("docker", "-H", DockerEngine.host()));
        cmd.addAll(args);
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().putAll(stackEnv);
            Path output = Files.createTempFile(dir, "docker", ".out");
            pb.redirectOutput(output.toFile());
            Process p = pb.start();
            if (!p.waitFor(DOCKER_CALL.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", cmd) + " did not finish in " + DOCKER_CALL);
            }
            String text = Files.readString(output, StandardCharsets.UTF_8);
            Files.delete(output);
            if (p.exitValue() != 0 && !tolerateFailure) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed (" + p.exitValue() + "):\n" + text);
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", cmd), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static <T> T await(Duration timeout, String what, long everyMs, Supplier<T> value) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            T v = value.get();
            if (v != null) {
                return v;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            try {
                Thread.sleep(everyMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }

    private static void awaitQuietly(String what, Supplier<Boolean> done) {
        try {
            await(CLEANUP, what, 500, () -> Boolean.TRUE.equals(done.get()) ? Boolean.TRUE : null);
        } catch (AssertionError | RuntimeException e) {
            System.out.println("[swarm] cleanup: " + e.getMessage());
        }
    }

    private static long millisSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }
}
