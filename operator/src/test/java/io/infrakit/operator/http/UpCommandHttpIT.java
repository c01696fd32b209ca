package io.infrakit.operator.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.infrakit.operator.Keys;
import io.infrakit.operator.metrics.Http;
import io.infrakit.operator.metrics.PrometheusText;
import io.infrakit.store.etcd.LocalPorts;
import io.infrakit.store.testing.Await;
import io.infrakit.store.testing.EtcdCluster;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code infrakit up} as a real process: its HTTP endpoint, its JSON log lines, and a busy --http port. */
class UpCommandHttpIT {

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.single();

    @TempDir
    Path dir;

    @Test
    void servesMetricsAndHealthAndLogsJson() throws Exception {
        Keys keys = new Keys(EtcdCluster.uniquePrefix("up-http"));
        int port = LocalPorts.free(1)[0];
        String base = "http://127.0.0.1:" + port;
        Path log = dir.resolve("up.log");
        Process up = up(log, "--prefix", keys.prefix(), "--id", "u1", "--http", "127.0.0.1:" + port,
                "--log-format", "json", "--lease-ttl", "2s", "--file-dir", dir.resolve("files").toString());
        try {
            Await.until(Duration.ofSeconds(60), "ready", () -> {
                assertThat(up.isAlive()).as("up exited: " + read(log)).isTrue();
                try {
                    return Http.get(base + "/readyz").status() == 200;
                } catch (RuntimeException e) {
                    return false; // not listening yet
                }
            });
            assertThat(Http.get(base + "/healthz").body()).contains("[+]etcd ok");
            try (var store = ETCD.newStore()) {
                store.put(keys.group("web"), "{\"ID\":\"web\",\"Properties\":{\"Allocation\":{\"Size\":2},"
                        + "\"Instance\":{\"Plugin\":\"instance-file\",\"Properties\":{}},"
                        + "\"Flavor\":{\"Plugin\":\"flavor-vanilla\",\"Properties\":{}}}}");
            }
            PrometheusText m = Await.value(Duration.ofSeconds(20), "web observed 2", () -> {
                PrometheusText t = new PrometheusText(Http.get(base + "/metrics").body());
                return t.value("infrakit_group_instances", Map.of("group", "web", "kind", "observed"))
                        .orElse(0) == 2 ? t : null;
            });
            assertThat(m.require("leader_election_master_status", Map.of("name", "infrakit"))).isEqualTo(1.0);
            assertThat(m.require("infrakit_plugin_call_duration_seconds_count",
                    Map.of("plugin", "instance-file", "method", "Instance.Provision"))).isEqualTo(2.0);
        } finally {
            up.destroy();
            assertThat(up.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }

        ObjectMapper mapper = new ObjectMapper();
        List<JsonNode> reconcile = new ArrayList<>();
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode n = mapper.readTree(line);
            assertThat(n.isObject()).as(line).isTrue();
            if (n.path("loggerName").asText().startsWith("io.infrakit.operator.controller.")
                    && n.path("formattedMessage").asText().contains("provisioned")) {
                reconcile.add(n);
            }
        }
        assertThat(reconcile).hasSize(2).allSatisfy(n -> assertThat(n.path("mdc").path("group").asText())
                .isEqualTo("web"));
    }

    /**
     * Every replica of a deployment listens on the same port: one that is taken must cost the endpoint only, not
     * the replica (or all of them), and say so where the replicas are listed.
     */
    @Test
    void aBusyChosenPortCostsTheEndpointNotTheReplicaAndInfrakitLeaderSaysSo() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String prefix = EtcdCluster.uniquePrefix("busy");
            Path log = dir.resolve("busy.log");
            Process up = up(log, "--prefix", prefix, "--id", "busy-1", "--http", "127.0.0.1:" + busy.getLocalPort(),
                    "--file-dir", dir.resolve("files").toString());
            try {
                String expected = "no /metrics, /healthz or /readyz: cannot listen on 127.0.0.1:" + busy.getLocalPort();
                Path out = dir.resolve("leader.out");
                Await.until(Duration.ofSeconds(60), "infrakit leader shows the replica leading, with the warning",
                        () -> {
                            assertThat(up.isAlive()).as("up exited: " + read(log)).isTrue();
                            return cli(out, "leader", "--prefix", prefix) == 0
                                    && read(out).matches("(?s).*leader\\s+busy-1\\s.*\\n\\s+warning: "
                                    + java.util.regex.Pattern.quote(expected) + ".*");
                        });
                assertThat(read(log)).contains("ERROR", expected);
            } finally {
                up.destroy();
                assertThat(up.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
        }
    }

    private int cli(Path out, String... args) {
        try {
            Process p = infrakit(args).redirectOutput(out.toFile()).start();
            return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private Process up(Path log, String... args) throws IOException {
        List<String> upArgs = new ArrayList<>(List.of("up"));
        upArgs.addAll(List.of(args));
        return infrakit(upArgs.toArray(String[]::new)).redirectOutput(log.toFile()).start();
    }

    /** The CLI in a JVM of its own, on the test etcd, with none of this machine's INFRAKIT_ settings. */
    private ProcessBuilder infrakit(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx192m",
                "-cp", System.getProperty("java.class.path"), "io.infrakit.operator.cli.Main"));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--etcd", ETCD.endpoints().get(0)));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("INFRAKIT_"));
        pb.environment().put("INFRAKIT_HOME", dir.resolve("home").toString());
        return pb;
    }

    private static String read(Path log) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
