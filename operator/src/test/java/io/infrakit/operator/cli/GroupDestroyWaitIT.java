package io.infrakit.operator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.operator.Keys;
import io.infrakit.operator.controller.Controller;
import io.infrakit.operator.controller.ControllerConfig;
import io.infrakit.operator.election.LeaderTerm;
import io.infrakit.plugins.PluginRegistry;
import io.infrakit.plugins.file.FileInstancePlugin;
import io.infrakit.plugins.group.Tags;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.spi.InstancePlugin;
import io.infrakit.plugins.spi.InstanceSpec;
import io.infrakit.store.Store;
import io.infrakit.store.testing.Await;
import io.infrakit.store.testing.EtcdCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code infrakit group destroy --wait} returns once the operator has destroyed every instance (not when the spec is
 * deleted), and fails after its timeout when no operator is there to do it.
 */
class GroupDestroyWaitIT {

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.single();

    @TempDir
    Path dir;

    private static String spec(int size) {
        return "{\"ID\":\"web\",\"Properties\":{\"Allocation\":{\"Size\":" + size + "},"
                + "\"Instance\":{\"Plugin\":\"slow-file\",\"Properties\":{}},"
                + "\"Flavor\":{\"Plugin\":\"flavor-vanilla\",\"Properties\":{}}}}";
    }

    @Test
    void waitsUntilTheInstancesAreGone() {
        Keys keys = new Keys(EtcdCluster.uniquePrefix("destroy-wait"));
        Path files = dir.resolve("files");
        FileInstancePlugin plain = new FileInstancePlugin(files);
        // Each destroy takes a while, so the spec's deletion and the instances' end are far apart.
        InstancePlugin slow = new InstancePlugin() {
            @Override
            public void validate(JsonNode properties) {
                plain.validate(properties);
            }

            @Override
            public String provision(InstanceSpec spec) {
                return plain.provision(spec);
            }

            @Override
            public void label(String instanceId, Map<String, String> labels) {
                plain.label(instanceId, labels);
            }

            @Override
            public void destroy(String instanceId, String reason) {
                sleep(400);
                plain.destroy(instanceId, reason);
            }

            @Override
            public List<InstanceDescription> describeInstances(Map<String, String> tags, boolean properties) {
                return plain.describeInstances(tags, properties);
            }
        };
        try (Store store = ETCD.newStore(); PluginRegistry plugins = PluginRegistry.builtins(files)
                .registerInstance("slow-file", slow)) {
            Controller controller = new Controller(store, keys, plugins,
                    ControllerConfig.defaults().withResync(Duration.ofSeconds(1)).withMaxParallel(1));
            try {
                controller.start();
                Await.until(Duration.ofSeconds(10), "synced", controller::isSynced);
                controller.lead(LeaderTerm.standalone());
                store.put(keys.group("web"), spec(3));
                Await.until(Duration.ofSeconds(20), "3 instances",
                        () -> plain.describeInstances(Map.of(Tags.GROUP, "web"), false).size() == 3
                                && store.get(keys.status("web")).isPresent());

                int exit = Main.run("group", "destroy", "web", "--wait", "--timeout", "30s", "--etcd",
                        ETCD.endpoints().get(0), "--prefix", keys.prefix());

                assertThat(exit).isZero();
                assertThat(plain.describeInstances(Map.of(Tags.GROUP, "web"), false)).isEmpty();
                assertThat(store.get(keys.status("web"))).isEmpty();
            } finally {
                controller.close();
            }
        }
    }

    @Test
    void failsAfterTheTimeoutWhenNoOperatorDestroysThem() {
        Keys keys = new Keys(EtcdCluster.uniquePrefix("destroy-nobody"));
        try (Store store = ETCD.newStore()) {
            store.put(keys.group("web"), spec(1));
            store.put(keys.status("web"), "{\"ID\":\"web\",\"Desired\":1,\"Observed\":1,\"Converged\":true,"
                    + "\"State\":\"converged\"}");

            long t0 = System.nanoTime();
            int exit = Main.run("group", "destroy", "web", "--wait", "--timeout", "1s", "--etcd",
                    ETCD.endpoints().get(0), "--prefix", keys.prefix());

            assertThat(exit).isEqualTo(1);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
            assertThat(store.get(keys.group("web"))).as("the spec is deleted all the same").isEmpty();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
