package io.infrakit.operator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.infrakit.operator.groupsocket.CliProcess;
import io.infrakit.store.etcd.EtcdServer;
import io.infrakit.store.etcd.LocalPorts;
import io.infrakit.store.testing.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code infrakit up} started before its etcd waits for it, says so, and gives up only after {@code --etcd-wait}. */
@Timeout(120)
class UpWaitsForEtcdIT {

    @TempDir
    Path dir;

    @Test
    void anOperatorStartedBeforeEtcdWaitsForItAndThenServes() throws Exception {
        int[] ports = LocalPorts.free(2);
        String url = "http://127.0.0.1:" + ports[0];
        try (CliProcess up = CliProcess.start(dir.resolve("up.log"), Map.of("INFRAKIT_HOME", dir.toString()),
                "up", "--etcd", url, "--prefix", "/waits", "--http", "off", "--no-group-socket", "--etcd-timeout",
                "1s", "--file-dir", dir.resolve("files").toString())) {
            Await.until(Duration.ofSeconds(30), "a retry in the log", () -> up.output().contains("trying again in"));
            assertThat(up.isAlive()).as(up.output()).isTrue();

            try (EtcdServer etcd = EtcdServer.builder("late", dir.resolve("etcd")).ports(ports[0], ports[1])
                    .fastTimings(true).build()) {
                etcd.start();
                Await.until(Duration.ofSeconds(60), "watching", () -> {
                    assertThat(up.isAlive()).as(up.output()).isTrue();
                    return up.output().contains("watching /waits/groups/");
                });
            }
        }
    }

    @Test
    void itGivesUpAfterEtcdWaitWithExitOne() {
        String url = "http://127.0.0.1:" + LocalPorts.free(1)[0];
        CliProcess.Result r = CliProcess.run(dir.resolve("up.log"), Map.of("INFRAKIT_HOME", dir.toString()),
                "up", "--etcd", url, "--http", "off", "--no-group-socket", "--etcd-timeout", "1s", "--etcd-wait",
                "3s", "--file-dir", dir.resolve("files").toString());
        assertThat(r.exitCode()).as(r.output()).isEqualTo(1);
        assertThat(r.output()).contains("etcd unreachable at " + url, "gave up after --etcd-wait 3s",
                "trying again in");
    }
}
