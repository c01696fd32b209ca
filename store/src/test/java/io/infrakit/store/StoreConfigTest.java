package io.infrakit.store;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StoreConfigTest {

    @Test
    void defaultsAndNormalizedEndpoints() {
        StoreConfig c = StoreConfig.of("127.0.0.1:2379", "https://etcd-2:2379/");
        assertThat(c.endpoints()).containsExactly("http://127.0.0.1:2379", "https://etcd-2:2379");
        assertThat(c.requestTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.tls()).isTrue();
        assertThat(StoreConfig.of("http://a:1").tls()).isFalse();
    }

    @Test
    void rejectsWhatCannotWork() {
        assertThatThrownBy(() -> StoreConfig.of()).hasMessageContaining("at least one");
        assertThatThrownBy(() -> StoreConfig.of("ftp://a:1")).hasMessageContaining("ftp://a:1");
        assertThatThrownBy(() -> StoreConfig.of("http://a")).hasMessageContaining("host:port");
        assertThatThrownBy(() -> StoreConfig.builder().endpoints("a:1").requestTimeout(Duration.ZERO).build())
                .hasMessageContaining("requestTimeout");
        assertThatThrownBy(() -> StoreConfig.builder().endpoints("a:1").clientCert(Path.of("c"), null).build())
                .hasMessageContaining("key");
        assertThatThrownBy(() -> StoreConfig.builder().endpoints("a:1").credentials("root", null).build())
                .hasMessageContaining("password");
    }

    @Test
    void credentialsInAnEndpointAreRefusedAndNeverPrinted() {
        for (String endpoint : new String[] {"https://ops:s3cret@etcd-1:2379", "ops:s3cret@etcd-1:2379",
                "https://ops:s3 cret@etcd-1", "https://ops:s3cret@"}) {
            assertThatThrownBy(() -> StoreConfig.of(endpoint)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("***@").hasMessageNotContaining("s3cret").hasMessageNotContaining("s3 cret")
                    .hasMessageNotContaining("ops:");
        }
        assertThat(StoreConfig.redact("https://ops:s3cret@etcd-1:2379")).isEqualTo("https://***@etcd-1:2379");
        assertThat(StoreConfig.redact("https://etcd-1:2379")).isEqualTo("https://etcd-1:2379");
    }

    @Test
    void toStringHidesThePasswordAndToBuilderKeepsEverything() {
        StoreConfig c = StoreConfig.builder().endpoints("a:1").credentials("root", "s3cret")
                .caCert(Path.of("ca.pem")).clientCert(Path.of("c.pem"), Path.of("k.pem"))
                .requestTimeout(Duration.ofMillis(1500)).keepalive(Duration.ofSeconds(12), Duration.ofSeconds(4))
                .build();
        assertThat(c.toString()).doesNotContain("s3cret").contains("root", "***", "keepaliveTime=PT12S");
        assertThat(c.toBuilder().build()).isEqualTo(c);
    }

    @Test
    void keepaliveDefaultsStayAboveWhatEtcdAllows() {
        StoreConfig c = StoreConfig.of("a:1");
        assertThat(c.keepaliveTime()).isEqualTo(StoreConfig.DEFAULT_KEEPALIVE_TIME)
                .isGreaterThanOrEqualTo(Duration.ofSeconds(5)); // etcd's default --grpc-keepalive-min-time
        assertThat(c.keepaliveTimeout()).isEqualTo(StoreConfig.DEFAULT_KEEPALIVE_TIMEOUT);
        assertThatThrownBy(() -> StoreConfig.builder().endpoints("a:1").keepalive(Duration.ZERO, null).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keepaliveTime");
    }
}
