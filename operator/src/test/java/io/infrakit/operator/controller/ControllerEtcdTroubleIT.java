package io.infrakit.operator.controller;

import static io.infrakit.operator.controller.OperatorFixture.cattle;
import static org.awaitility.Awaitility.await;

import io.infrakit.store.StoreConfig;
import io.infrakit.store.StoreException;
import io.infrakit.store.etcd.EtcdStore;
import io.infrakit.store.testing.EtcdCluster;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The controller keeps following specs through an etcd restart and a compaction of the history it watched. */
class ControllerEtcdTroubleIT {

    @TempDir
    Path dir;

    private EtcdCluster etcd;
    private OperatorFixture op;

    @AfterEach
    void tearDown() {
        if (op != null) {
            op.close();
        }
        if (etcd != null) {
            etcd.close();
        }
    }

    @Test
    void specWatchSurvivesAnEtcdRestart() {
        etcd = EtcdCluster.single().start();
        op = new OperatorFixture(etcd, "restart", dir, Duration.ofSeconds(30)).start();
        op.put("web", cattle("web", 2, "x"));
        op.awaitConverged("web", 2);
        etcd.kill(0);
        etcd.restart(0);
        op.put("web", cattle("web", 4, "x"));
        op.awaitInstances("web", 4);
        op.awaitConverged("web", 4);
    }

    @Test
    void specWatchSurvivesCompactionOfItsRevision() {
        etcd = EtcdCluster.ofSize(3).start();
        // The operator talks to member 0 only; while it is down, the others move on and compact the history.
        EtcdStore toFirst = new EtcdStore(StoreConfig.builder().endpoints(etcd.endpoints().get(0))
                .requestTimeout(Duration.ofSeconds(3)).build());
        op = new OperatorFixture(toFirst, "compact", dir, Duration.ofSeconds(30)).start();
        op.put("web", cattle("web", 1, "x"));
        op.awaitConverged("web", 1);
        etcd.kill(0);
        try (EtcdStore others = new EtcdStore(StoreConfig.builder().endpoints(etcd.endpoints().subList(1, 3))
                .requestTimeout(Duration.ofSeconds(3)).build())) {
            // The killed member may have been raft leader: wait until the other two accept writes.
            await("quorum without member 0").atMost(Duration.ofSeconds(20)).until(() -> {
                try {
                    others.put(op.keys.prefix() + "/noise", "first");
                    return true;
                } catch (StoreException e) {
                    return false;
                }
            });
            others.put(op.keys.group("web"), cattle("web", 3, "x"));
            others.put(op.keys.group("api"), cattle("api", 2, "y"));
            others.compact(others.put(op.keys.prefix() + "/noise", "last"));
        }
        etcd.restart(0);
        op.awaitConverged("web", 3);
        op.awaitConverged("api", 2);
        toFirst.close();
    }
}
