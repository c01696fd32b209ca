package io.infrakit.operator.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.infrakit.operator.Keys;
import io.infrakit.operator.metrics.Http;
import io.infrakit.operator.metrics.MeteredOperator;
import io.infrakit.plugins.PluginRegistry;
import io.infrakit.store.StoreConfig;
import io.infrakit.store.etcd.EtcdStore;
import io.infrakit.store.testing.EtcdCluster;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /healthz and /readyz of a replica, with etcd up, down and back. */
class HealthIT {

    @TempDir
    Path dir;

    @Test
    void healthFollowsEtcdAndReadinessFollowsTheReplica() {
        try (EtcdCluster etcd = EtcdCluster.single().start()) {
            StoreConfig config = etcd.storeConfig().toBuilder().requestTimeout(Duration.ofSeconds(5)).build();
            Keys keys = new Keys(EtcdCluster.uniquePrefix("health"));
            try (MeteredOperator op = new MeteredOperator(new EtcdStore(config), keys,
                    PluginRegistry.builtins(dir), "h1")) {
                Http.Answer notYet = Http.get(op.url("/readyz"));
                assertThat(notYet.status()).isEqualTo(503);
                assertThat(notYet.body()).contains("[-]spec-watch failed").contains("[-]election failed")
                        .contains("readyz check failed");
                assertThat(Http.get(op.url("/healthz")).status()).as("alive before it is ready").isEqualTo(200);

                op.start();
                Http.Answer ready = Http.get(op.url("/readyz"));
                assertThat(ready.status()).as(ready.body()).isEqualTo(200);
                assertThat(ready.body()).contains("[+]spec-watch ok").contains("[+]election ok");
                Http.Answer healthy = Http.get(op.url("/healthz"));
                assertThat(healthy.status()).isEqualTo(200);
                assertThat(healthy.body()).contains("[+]ping ok").contains("[+]etcd ok")
                        .contains("healthz check passed");

                etcd.kill(0);
                long start = System.nanoTime();
                Http.Answer down = Http.get(op.url("/healthz"));
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertThat(down.status()).as(down.body()).isEqualTo(503);
                assertThat(down.body()).contains("[+]ping ok").contains("[-]etcd failed")
                        .contains(etcd.endpoints().get(0));
                assertThat(millis).as("answers within the probe deadline, not etcd's request timeout")
                        .isLessThan(3_000);

                etcd.restart(0);
                await("healthy again").atMost(Duration.ofSeconds(15)).until(
                        () -> Http.get(op.url("/healthz")).status() == 200);
                assertThat(Http.get(op.url("/metrics")).contentType()).startsWith("text/plain");
                assertThat(Http.get(op.url("/nothing")).status()).isEqualTo(404);
            }
        }
    }
}
