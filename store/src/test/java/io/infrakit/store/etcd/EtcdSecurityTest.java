package io.infrakit.store.etcd;

import io.infrakit.store.testing.StoreKind;

import io.infrakit.store.Store;
import io.infrakit.store.StoreConfig;
import io.infrakit.store.StoreException;
import io.infrakit.store.testing.RecordingWatchListener;
import io.infrakit.store.testing.TestCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The TLS and user/password settings of {@link StoreConfig} against an etcd that requires them. */
class EtcdSecurityTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void mutualTls(StoreKind kind) throws Exception {
        TestCertificates certs = TestCertificates.create(dir.resolve("pki"));
        try (EtcdServer etcd = EtcdServer.builder("tls", dir.resolve("data"))
                .tls(new EtcdServer.Tls(certs.serverCert(), certs.serverKey(), certs.ca()))
                .fastTimings(true).build()) {
            etcd.start();
            assertThat(etcd.clientUrl()).startsWith("https://");

            StoreConfig config = StoreConfig.builder().endpoints(etcd.clientUrl())
                    .caCert(certs.ca()).clientCert(certs.clientCert(), certs.clientKey())
                    .requestTimeout(Duration.ofSeconds(5)).build();
            try (EtcdApi store = kind.open(config)) {
                RecordingWatchListener rec = new RecordingWatchListener();
                Store.Watch watch = store.watch("/tls/", 0, rec);
                try {
                    rec.awaitResync(1, Duration.ofSeconds(5));
                    Thread.sleep(1_200); // a quiet TLS stream, read across the HTTP store's read polls
                    store.put("/tls/k", "v");
                    assertThat(store.get("/tls/k").orElseThrow().value()).isEqualTo("v");
                    rec.awaitEvents(1, Duration.ofSeconds(5));
                } finally {
                    watch.close();
                }
            }

            StoreConfig noClientCert = StoreConfig.builder().endpoints(etcd.clientUrl()).caCert(certs.ca())
                    .requestTimeout(Duration.ofSeconds(1)).build();
            try (EtcdApi store = kind.open(noClientCert)) {
                assertThatThrownBy(() -> store.get("/tls/k")).isInstanceOf(StoreException.class)
                        .hasMessageContaining(etcd.clientUrl());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void userAndPassword(StoreKind kind) throws Exception {
        try (EtcdServer etcd = EtcdServer.builder("auth", dir.resolve("data")).fastTimings(true).build()) {
            etcd.start();
            etcdctl(etcd, "user", "add", "root", "--new-user-password=s3cret");
            etcdctl(etcd, "user", "grant-role", "root", "root");
            etcdctl(etcd, "auth", "enable");

            StoreConfig.Builder config = StoreConfig.builder().endpoints(etcd.clientUrl())
                    .requestTimeout(Duration.ofSeconds(5));
            try (EtcdApi store = kind.open(config.credentials("root", "s3cret").build())) {
                store.put("/auth/k", "v");
                assertThat(store.get("/auth/k").orElseThrow().value()).isEqualTo("v");
            }
            try (EtcdApi anonymous = kind.open(config.credentials(null, null).build())) {
                assertThatThrownBy(() -> anonymous.get("/auth/k")).isInstanceOf(StoreException.class)
                        .hasMessageContaining(etcd.clientUrl()).hasMessageContaining("user name is empty");
            }
            try (EtcdApi wrong = kind.open(config.credentials("root", "wrong").build())) {
                assertThatThrownBy(() -> wrong.get("/auth/k")).isInstanceOf(StoreException.class)
                        .hasMessageContaining(etcd.clientUrl()).hasMessageContaining("authentication failed");
            }
        }
    }

    /**
     * etcd refuses its gateway to a client certificate with a common name once its users are on: the gateway
     * store says so, and the store commands use then falls back to gRPC.
     */
    @Test
    void aNamedClientCertificateWithUsersOnIsServedOverGrpc() throws Exception {
        TestCertificates certs = TestCertificates.create(dir.resolve("pki"));
        try (EtcdServer etcd = EtcdServer.builder("tlsauth", dir.resolve("data"))
                .tls(new EtcdServer.Tls(certs.serverCert(), certs.serverKey(), certs.ca()))
                .fastTimings(true).build()) {
            etcd.start();
            String[] tls = {"--cacert=" + certs.ca(), "--cert=" + certs.clientCert(), "--key=" + certs.clientKey()};
            etcdctl(etcd, tls, "user", "add", "root", "--new-user-password=s3cret");
            etcdctl(etcd, tls, "user", "grant-role", "root", "root");
            etcdctl(etcd, tls, "auth", "enable");
            StoreConfig config = StoreConfig.builder().endpoints(etcd.clientUrl()).caCert(certs.ca())
                    .clientCert(certs.clientCert(), certs.clientKey()).credentials("root", "s3cret")
                    .requestTimeout(Duration.ofSeconds(5)).build();

            try (EtcdHttpStore gateway = new EtcdHttpStore(config)) {
                long start = System.nanoTime();
                assertThatThrownBy(() -> gateway.get("/k")).isInstanceOf(StoreException.class)
                        .hasMessageContaining(etcd.clientUrl())
                        .hasMessageContaining("does not serve this client certificate through its HTTP gateway");
                assertThat(System.nanoTime() - start).as("refused at once, not retried")
                        .isLessThan(Duration.ofSeconds(3).toNanos());
            }
            try (GatewayFirstStore store = new GatewayFirstStore(config)) {
                RecordingWatchListener rec = new RecordingWatchListener();
                Store.Watch watch = store.watch("/both/", 0, rec);
                try {
                    rec.awaitResync(1, Duration.ofSeconds(5));
                    store.put("/both/k", "v");
                    assertThat(store.get("/both/k").orElseThrow().value()).isEqualTo("v");
                    rec.awaitEvents(1, Duration.ofSeconds(5));
                    assertThat(store.current()).isInstanceOf(EtcdStore.class);
                } finally {
                    watch.close();
                }
            }
        }
    }

    /** A server certificate for serverAuth only: etcd's gateway cannot reach etcd; gRPC can. */
    @Test
    void aServerCertificateWithoutClientAuthIsServedOverGrpc() throws Exception {
        TestCertificates certs = TestCertificates.create(dir.resolve("pki"), "IP:127.0.0.1", "serverAuth");
        try (EtcdServer etcd = EtcdServer.builder("tlsserveronly", dir.resolve("data"))
                .tls(new EtcdServer.Tls(certs.serverCert(), certs.serverKey(), certs.ca()))
                .fastTimings(true).build()) {
            etcd.start();
            StoreConfig config = StoreConfig.builder().endpoints(etcd.clientUrl()).caCert(certs.ca())
                    .clientCert(certs.clientCert(), certs.clientKey()).requestTimeout(Duration.ofSeconds(5)).build();
            for (int i = 0; i < 2; i++) { // the gateway words it differently once its connection has failed
                try (EtcdHttpStore gateway = new EtcdHttpStore(config)) {
                    long start = System.nanoTime();
                    assertThatThrownBy(() -> gateway.get("/k")).isInstanceOf(GatewayCalls.GatewayRefused.class)
                            .hasMessageContaining(etcd.clientUrl()).hasMessageContaining("clientAuth");
                    assertThat(System.nanoTime() - start).as("refused at once, not retried")
                            .isLessThan(Duration.ofSeconds(3).toNanos());
                }
            }
            try (GatewayFirstStore store = new GatewayFirstStore(config)) {
                store.put("/k", "v");
                assertThat(store.get("/k").orElseThrow().value()).isEqualTo("v");
                assertThat(store.current()).isInstanceOf(EtcdStore.class);
            }
        }
    }

    @Test
    void theGatewayStoreIsKeptWhereEtcdServesIt() {
        try (EtcdServer etcd = EtcdServer.builder("plain", dir.resolve("data")).fastTimings(true).build()) {
            etcd.start();
            try (GatewayFirstStore store = new GatewayFirstStore(StoreConfig.of(etcd.clientUrl()))) {
                store.put("/k", "v");
                assertThat(store.current()).isInstanceOf(EtcdHttpStore.class);
            }
        }
    }

    private static void etcdctl(EtcdServer etcd, String... args) throws IOException, InterruptedException {
        etcdctl(etcd, new String[0], args);
    }

    private static void etcdctl(EtcdServer etcd, String[] options, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("etcdctl", "--endpoints=" + etcd.clientUrl()));
        cmd.addAll(List.of(options));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + ": " + out).isZero();
    }
}
