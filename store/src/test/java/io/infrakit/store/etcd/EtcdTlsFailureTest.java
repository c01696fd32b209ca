package io.infrakit.store.etcd;

import io.infrakit.store.testing.StoreKind;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infrakit.store.StoreConfig;
import io.infrakit.store.StoreException;
import io.infrakit.store.testing.TestCertificates;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TLS setting that cannot work fails with what is wrong, not with "timed out": gRPC retries a failing handshake
 * quietly, so the store asks the endpoint itself. Against real etcd members, one with TLS and client certificates,
 * one plaintext.
 */
class EtcdTlsFailureTest {

    @TempDir
    static Path dir;

    private static TestCertificates certs;
    private static TestCertificates stranger;
    private static Path misnamedCa;
    private static EtcdServer tls;
    private static EtcdServer plain;
    private static EtcdServer misnamed;

    @BeforeAll
    static void start() {
        certs = TestCertificates.create(dir.resolve("pki"));
        stranger = TestCertificates.create(dir.resolve("other-pki"));
        TestCertificates elsewhere = TestCertificates.create(dir.resolve("elsewhere-pki"),
                "DNS:etcd.elsewhere.example");
        tls = EtcdServer.builder("tls", dir.resolve("tls")).fastTimings(true)
                .tls(new EtcdServer.Tls(certs.serverCert(), certs.serverKey(), certs.ca())).build();
        misnamed = EtcdServer.builder("misnamed", dir.resolve("misnamed")).fastTimings(true)
                .tls(new EtcdServer.Tls(elsewhere.serverCert(), elsewhere.serverKey(), null)).build();
        plain = EtcdServer.builder("plain", dir.resolve("plain")).fastTimings(true).build();
        tls.start();
        misnamed.start();
        plain.start();
        misnamedCa = elsewhere.ca();
    }

    @AfterAll
    static void stop() {
        for (EtcdServer s : new EtcdServer[] {tls, misnamed, plain}) {
            if (s != null) {
                s.close();
            }
        }
    }

    private static StoreConfig.Builder to(String url) {
        return StoreConfig.builder().endpoints(url).requestTimeout(Duration.ofSeconds(2));
    }

    private static void fails(StoreKind kind, StoreConfig config, String... expected) {
        try (EtcdApi store = kind.open(config)) {
            assertThatThrownBy(() -> store.get("/k")).isInstanceOf(StoreException.class)
                    .hasMessageStartingWith("etcd unreachable at " + config.endpoints().get(0) + ": ")
                    .hasMessageNotContaining("timed out").hasMessageContainingAll(expected);
        }
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void anUnknownCaIsNamed(StoreKind kind) {
        fails(kind, to(tls.clientUrl()).caCert(stranger.ca()).clientCert(certs.clientCert(), certs.clientKey()).build(),
                "TLS with 127.0.0.1:" + tls.clientPort() + " failed", "CN=infrakit-test-server",
                "is not signed by the CA in " + stranger.ca(), "(unknown CA)");
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void aCertificateForAnotherNameIsNamed(StoreKind kind) {
        fails(kind, to(misnamed.clientUrl()).caCert(misnamedCa).build(),
                "its certificate is made out to etcd.elsewhere.example, not to 127.0.0.1 (wrong name)");
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void aMissingOrRefusedClientCertificateIsNamed(StoreKind kind) {
        fails(kind, to(tls.clientUrl()).caCert(certs.ca()).build(), "it wants a client certificate, and none is configured");
        fails(kind, to(tls.clientUrl()).caCert(certs.ca()).clientCert(stranger.clientCert(), stranger.clientKey()).build(),
                "it refused the client certificate " + stranger.clientCert());
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void tlsToAPlaintextEtcdAndPlaintextToATlsOneAreNamed(StoreKind kind) {
        fails(kind, to(plain.clientUrl().replace("http://", "https://")).caCert(certs.ca()).build(),
                "it does not speak TLS (a plaintext etcd? then use http://)");
        fails(kind, to(tls.clientUrl().replace("https://", "http://")).build(),
                "127.0.0.1:" + tls.clientPort(), "it speaks TLS, so use https://");
    }
}
