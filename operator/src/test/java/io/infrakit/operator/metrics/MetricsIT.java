package io.infrakit.operator.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.operator.Keys;
import io.infrakit.operator.group.GroupStatus;
import io.infrakit.plugins.PluginRegistry;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.spi.InstancePlugin;
import io.infrakit.plugins.spi.InstanceSpec;
import io.infrakit.plugins.spi.PluginException;
import io.infrakit.store.Store;
import io.infrakit.store.testing.EtcdCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Metrics scraped over HTTP from replicas on a real etcd, checked against reconciles whose effects are known. */
class MetricsIT {

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.single();

    private static final Map<String, String> CONTROLLER = Map.of("controller", "group");
    private static final Map<String, String> QUEUE = Map.of("name", "group");

    @TempDir
    Path dir;

    private MeteredOperator first;
    private MeteredOperator second;

    @AfterEach
    void tearDown() {
        for (MeteredOperator op : new MeteredOperator[] {second, first}) {
            if (op != null) {
                op.close();
            }
        }
    }

    @Test
    void reconcileMetricsFollowAKnownReconcile() {
        Keys keys = new Keys(EtcdCluster.uniquePrefix("metrics"));
        first = new MeteredOperator(ETCD.newStore(), keys, plugins(), "m1").start();
        await("m1 leads").atMost(Duration.ofSeconds(10)).until(first.replica::isLeader);
        awaitMetric(first, "infrakit_leader_transitions_total", Map.of(), 1.0);

        first.store.put(keys.group("web"), cattle("web", 3, "instance-file"));
        awaitStatus(first.store, keys, "web", s -> s.converged() && s.observed() == 3);
        awaitMetric(first, "infrakit_group_instances", Map.of("group", "web", "kind", "observed"), 3.0);
        // Provisioning returns "look again"; the next pass finds nothing to do.
        PrometheusText m = awaitMetric(first, "controller_runtime_reconcile_total",
                with(CONTROLLER, "result", "success"), 1.0);

        assertThat(m.require("infrakit_group_instances", Map.of("group", "web", "kind", "desired"))).isEqualTo(3.0);
        assertThat(m.require("infrakit_plugin_call_duration_seconds_count",
                Map.of("plugin", "instance-file", "method", "Instance.Provision"))).isEqualTo(3.0);
        assertThat(m.require("infrakit_plugin_call_duration_seconds_count",
                Map.of("plugin", "flavor-vanilla", "method", "Flavor.Prepare"))).isEqualTo(3.0);
        assertThat(m.require("infrakit_plugin_call_duration_seconds_count",
                Map.of("plugin", "instance-file", "method", "Instance.DescribeInstances"))).isGreaterThanOrEqualTo(2);
        assertThat(m.value("infrakit_plugin_call_errors_total",
                Map.of("plugin", "instance-file", "method", "Instance.Provision"))).hasValue(0.0);

        assertThat(m.require("controller_runtime_reconcile_total", with(CONTROLLER, "result", "requeue_after")))
                .isGreaterThanOrEqualTo(1);
        assertThat(m.require("controller_runtime_reconcile_total", with(CONTROLLER, "result", "error"))).isZero();
        assertThat(m.require("controller_runtime_reconcile_errors_total", CONTROLLER)).isZero();
        double reconciles = m.require("controller_runtime_reconcile_time_seconds_count", CONTROLLER);
        assertThat(reconciles).isGreaterThanOrEqualTo(2);
        assertThat(m.require("controller_runtime_reconcile_time_seconds_bucket", with(CONTROLLER, "le", "+Inf")))
                .isEqualTo(reconciles);
        assertThat(m.require("workqueue_adds_total", QUEUE)).isGreaterThanOrEqualTo(2);
        assertThat(m.require("workqueue_queue_duration_seconds_count", QUEUE)).isGreaterThanOrEqualTo(2);
        assertThat(m.require("workqueue_work_duration_seconds_count", QUEUE)).isGreaterThanOrEqualTo(2);
        assertThat(m.require("workqueue_retries_total", QUEUE)).isZero();
        assertThat(m.value("workqueue_depth", QUEUE)).isPresent();
        assertThat(m.require("leader_election_master_status", Map.of("name", "infrakit"))).isEqualTo(1.0);
        assertThat(m.require("infrakit_leader_transitions_total", Map.of())).isEqualTo(1.0);
        assertThat(m.require("infrakit_etcd_request_duration_seconds_count", Map.of("op", "txn")))
                .isGreaterThanOrEqualTo(1); // the fenced status write
        assertThat(m.require("infrakit_etcd_request_duration_seconds_count", Map.of("op", "watch")))
                .isGreaterThanOrEqualTo(3); // specs, free markers, pause markers (and the election's)
        assertThat(m.require("infrakit_etcd_request_errors_total", Map.of("op", "txn"))).isZero();
        // Present from the start, so rate() sees the first collection after a burst.
        assertThat(m.value("infrakit_heap_collections_total", Map.of())).isPresent();
        assertThat(m.has("jvm_memory_used_bytes")).isTrue();

        // A failing plugin: errors by plugin and method, failed reconciles, retries.
        first.store.put(keys.group("bad"), cattle("bad", 1, "instance-broken"));
        m = awaitMetric(first, "infrakit_plugin_call_errors_total",
                Map.of("plugin", "instance-broken", "method", "Instance.Provision"), 1.0);
        m = awaitMetric(first, "workqueue_retries_total", QUEUE, 1.0);
        assertThat(m.require("controller_runtime_reconcile_errors_total", CONTROLLER)).isGreaterThanOrEqualTo(1);
        assertThat(m.require("controller_runtime_reconcile_total", with(CONTROLLER, "result", "error")))
                .isEqualTo(m.require("controller_runtime_reconcile_errors_total", CONTROLLER));
        assertThat(m.require("infrakit_group_instances", Map.of("group", "bad", "kind", "desired"))).isEqualTo(1.0);
        assertThat(m.require("infrakit_group_instances", Map.of("group", "bad", "kind", "observed"))).isZero();

        // A deleted group's gauges go with it.
        first.store.delete(keys.group("web"));
        await("web's gauges removed").atMost(Duration.ofSeconds(15)).until(() -> first.scrape()
                .value("infrakit_group_instances", Map.of("group", "web", "kind", "desired")).isEmpty());
        assertThat(first.scrape().require("infrakit_plugin_call_duration_seconds_count",
                Map.of("plugin", "instance-file", "method", "Instance.Destroy"))).isEqualTo(3.0);
    }

    @Test
    void leaderStatusMovesToTheStandby() {
        Keys keys = new Keys(EtcdCluster.uniquePrefix("leader-metrics"));
        first = new MeteredOperator(ETCD.newStore(), keys, plugins(), "a").start();
        await("a leads").atMost(Duration.ofSeconds(10)).until(first.replica::isLeader);
        second = new MeteredOperator(ETCD.newStore(), keys, plugins(), "b").start();
        first.store.put(keys.group("web"), cattle("web", 2, "instance-file"));
        awaitMetric(first, "infrakit_group_instances", Map.of("group", "web", "kind", "observed"), 2.0);

        PrometheusText standby = second.scrape();
        assertThat(standby.require("leader_election_master_status", Map.of("name", "infrakit"))).isZero();
        assertThat(standby.require("infrakit_leader_transitions_total", Map.of())).isZero();
        assertThat(standby.value("infrakit_group_instances", Map.of("group", "web", "kind", "observed"))).isEmpty();
        assertThat(Http.get(second.url("/readyz")).status()).as("a warm standby is ready").isEqualTo(200);

        first.close();
        first = null;
        // The transition is counted just after the replica starts leading: wait for the counter, not the gauge.
        PrometheusText leader = awaitMetric(second, "infrakit_leader_transitions_total", Map.of(), 1.0);
        assertThat(leader.require("infrakit_leader_transitions_total", Map.of())).isEqualTo(1.0);
        assertThat(leader.require("leader_election_master_status", Map.of("name", "infrakit"))).isEqualTo(1.0);
        awaitMetric(second, "infrakit_group_instances", Map.of("group", "web", "kind", "desired"), 2.0);
    }

    private PluginRegistry plugins() {
        return PluginRegistry.builtins(dir).registerInstance("instance-broken", new Broken());
    }

    private static PrometheusText awaitMetric(MeteredOperator op, String name, Map<String, String> labels,
                                              double atLeast) {
        return await(name + labels + " >= " + atLeast).atMost(Duration.ofSeconds(15)).until(() -> {
            PrometheusText m = op.scrape();
            return m.value(name, labels).orElse(Double.NaN) >= atLeast ? m : null;
        }, Objects::nonNull);
    }

    private static GroupStatus awaitStatus(Store store, Keys keys, String id,
                                           java.util.function.Predicate<GroupStatus> ok) {
        return await(id + " status").atMost(Duration.ofSeconds(15)).until(() -> store.get(keys.status(id))
                .flatMap(kv -> GroupStatus.fromJson(kv.value())).filter(ok).orElse(null), Objects::nonNull);
    }

    private static Map<String, String> with(Map<String, String> base, String key, String value) {
        Map<String, String> m = new java.util.HashMap<>(base);
        m.put(key, value);
        return m;
    }

    static String cattle(String id, int size, String instancePlugin) {
        return "{\"ID\":\"" + id + "\",\"Properties\":{\"Allocation\":{\"Size\":" + size + "},"
                + "\"Instance\":{\"Plugin\":\"" + instancePlugin + "\",\"Properties\":{\"Note\":\"m\"}},"
                + "\"Flavor\":{\"Plugin\":\"flavor-vanilla\",\"Properties\":{\"Init\":[\"echo hello\"]}}}}";
    }

    /** An instance plugin that has no instances and cannot make any. */
    private static final class Broken implements InstancePlugin {
        @Override
        public void validate(JsonNode properties) {
        }

        @Override
        public String provision(InstanceSpec spec) {
            throw new PluginException("quota exceeded");
        }

        @Override
        public void label(String instanceId, Map<String, String> labels) {
        }

        @Override
        public void destroy(String instanceId, String reason) {
        }

        @Override
        public List<InstanceDescription> describeInstances(Map<String, String> tags, boolean properties) {
            return List.of();
        }
    }

}
