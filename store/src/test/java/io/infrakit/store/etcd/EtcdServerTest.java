package io.infrakit.store.etcd;

import io.infrakit.store.StoreConfig;
import io.infrakit.store.StoreException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EtcdServerTest {

    @TempDir
    Path dir;

    @Test
    void startStopRestartAndKillKeepPortsAndData() throws Exception {
        try (EtcdServer etcd = EtcdServer.builder("n1", dir.resolve("n1")).fastTimings(true).build()) {
            assertThat(etcd.isRunning()).isFalse();
            etcd.start();
            assertThat(etcd.isRunning()).isTrue();
            assertThat(etcd.clientUrl()).isEqualTo("http://127.0.0.1:" + etcd.clientPort());
            assertThat(Files.getPosixFilePermissions(etcd.dataDir())).hasSize(3); // rwx for the owner only
            StoreConfig config = StoreConfig.builder().endpoints(etcd.clientUrl())
                    .requestTimeout(Duration.ofSeconds(5)).build();
            try (EtcdStore store = new EtcdStore(config)) {
                store.put("/k", "v");
            }

            long pid = etcd.pid();
            etcd.stop();
            assertThat(etcd.isRunning()).isFalse();
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();

            etcd.restart();
            assertThat(etcd.pid()).isNotEqualTo(pid);
            etcd.kill();
            assertThat(etcd.isRunning()).isFalse();
            etcd.restart();
            try (EtcdStore store = new EtcdStore(config)) {
                assertThat(store.get("/k").orElseThrow().value()).as("same data dir").isEqualTo("v");
            }
            assertThat(etcd.logFile()).exists();
            assertThat(Files.readString(etcd.logFile())).contains("serving client traffic");
        }
    }

    @Test
    void commandCarriesPortsNameAndTimings() {
        EtcdServer etcd = EtcdServer.builder("n1", dir).ports(20001, 20002).fastTimings(true)
                .initialCluster("n1=http://127.0.0.1:20002,n2=http://127.0.0.1:20004")
                .extraArgs("--auto-compaction-retention=1").build();
        assertThat(etcd.command()).contains("--name=n1", "--data-dir=" + dir.toAbsolutePath(),
                "--listen-client-urls=http://127.0.0.1:20001", "--listen-peer-urls=http://127.0.0.1:20002",
                "--initial-cluster=n1=http://127.0.0.1:20002,n2=http://127.0.0.1:20004",
                "--heartbeat-interval=10", "--election-timeout=50", "--logger=zap",
                "--auto-compaction-retention=1");
    }

    @Test
    void aPortInUseIsRefusedBeforeStarting() {
        try (EtcdServer first = EtcdServer.builder("a", dir.resolve("a")).fastTimings(true).build()) {
            first.start();
            // The first one would answer the second one's health checks.
            EtcdServer second = EtcdServer.builder("b", dir.resolve("b")).ports(first.clientPort(), 0)
                    .fastTimings(true).build();
            assertThatThrownBy(second::start).isInstanceOf(StoreException.class)
                    .hasMessageContaining("port " + first.clientPort() + " on 127.0.0.1 is in use");
            assertThat(second.isRunning()).isFalse();
        }
    }

    @Test
    void anEtcdThatExitsAtOnceIsReportedWithItsLog() {
        EtcdServer etcd = EtcdServer.builder("x", dir.resolve("x")).extraArgs("--no-such-flag").build();
        assertThatThrownBy(etcd::start).isInstanceOf(StoreException.class)
                .hasMessageContaining("exited with code 2")
                .hasMessageContaining(etcd.logFile().toString());
        assertThat(etcd.logTail(100)).contains("no-such-flag");
    }

    @Test
    void missingBinaryIsAClearError() {
        EtcdServer etcd = EtcdServer.builder("x", dir).binary(dir.resolve("no-such-etcd")).build();
        assertThatThrownBy(etcd::start).isInstanceOf(StoreException.class).hasMessageContaining("no-such-etcd");
    }
}
