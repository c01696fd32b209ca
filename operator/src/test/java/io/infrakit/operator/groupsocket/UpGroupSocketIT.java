package io.infrakit.operator.groupsocket;

import static io.infrakit.operator.groupsocket.LocalOperator.cattle;
import static io.infrakit.operator.groupsocket.LocalOperator.files;
import static io.infrakit.operator.groupsocket.RawRpc.call;
import static io.infrakit.operator.groupsocket.RawRpc.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.store.testing.EtcdCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code infrakit up} replicas on one host and one plugin directory: the first serves {@code group}, the second
 * {@code group-<id>}; a commit through the standby's socket is carried out by the leader; each socket says whether
 * its replica leads, and a replica stopped with SIGTERM removes its socket.
 */
@Tag("heavy")
@Timeout(120)
class UpGroupSocketIT {

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.single();

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir(factory = ShortTempDir.class)
    Path sockets;
    @TempDir
    Path files;
    @TempDir
    Path home;

    private final String prefix = EtcdCluster.uniquePrefix("up-socket");

    private CliProcess up(String id) {
        return CliProcess.start(home.resolve(id + ".log"), Map.of("INFRAKIT_HOME", home.toString()),
                "up", "--id", id, "--etcd", String.join(",", ETCD.endpoints()),
                "--prefix", prefix, "--plugins-dir", sockets.toString(),
                "--file-dir", files.toString(), "--resync", "1s", "--lease-ttl", "2s");
    }

    private static void awaitAnswer(Path socket, String answer, CliProcess p) {
        await(socket + " answering " + answer.strip() + "; output:\n" + p.output()).atMost(WAIT).until(() -> {
            try {
                return Files.exists(socket) && call(socket, "Manager.IsLeader", "{}").equals(answer);
            } catch (RuntimeException e) {
                return false;
            }
        });
    }

    @Test
    void everyReplicaTakesCommitsAndOnlyTheLeaderActs() throws IOException {
        String leads = result("{\"Leader\":true}");
        String follows = result("{\"Leader\":false}");
        Path first = sockets.resolve("group");
        Path second = sockets.resolve("group-r2");
        try (CliProcess r1 = up("r1")) {
            awaitAnswer(first, leads, r1);
            try (CliProcess r2 = up("r2")) {
                awaitAnswer(second, follows, r2);
                assertThat(r2.output()).contains("serving the group socket at " + second + " instead");

                assertThat(call(second, "Group.CommitGroup",
                        "{\"Spec\":" + cattle("web", 2, "instance-file", "flavor-vanilla") + ",\"Pretend\":false}"))
                        .isEqualTo(result("{\"Details\":\"Managing 2 instances\"}"));
                JsonNode described = await("web converged, described through the standby").atMost(WAIT).until(() -> {
                    JsonNode d = RawRpc.json(second, "Group.DescribeGroup", "{\"ID\":\"web\"}")
                            .path("result").path("Description");
                    return d.path("Converged").asBoolean() ? d : null;
                }, Objects::nonNull);
                assertThat(described.path("Instances")).hasSize(2);
                assertThat(files(files)).hasSize(2);
                assertThat(RawRpc.json(first, "Group.InspectGroups", "{}").path("result").path("Groups")
                        .get(0).path("ID").asText()).isEqualTo("web");

                r1.term();
                assertThat(r1.awaitExit(WAIT)).isTrue();
                assertThat(first).doesNotExist();
                assertThat(sockets.resolve("group.pid")).doesNotExist();
                awaitAnswer(second, leads, r2);
                assertThat(call(second, "Group.DestroyGroup", "{\"ID\":\"web\"}")).isEqualTo(result("{\"OK\":true}"));
                await("web's instances destroyed by the new leader").atMost(WAIT).until(() -> files(files).isEmpty());

                r2.term();
                assertThat(r2.awaitExit(WAIT)).isTrue();
            }
        }
        try (var left = Files.list(sockets)) {
            assertThat(left.toList()).isEmpty();
        }
    }
}
