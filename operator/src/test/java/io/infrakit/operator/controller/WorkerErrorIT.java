package io.infrakit.operator.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.operator.Keys;
import io.infrakit.operator.group.GroupStatus;
import io.infrakit.operator.metrics.Http;
import io.infrakit.operator.metrics.MeteredOperator;
import io.infrakit.plugins.PluginRegistry;
import io.infrakit.plugins.file.FileInstancePlugin;
import io.infrakit.plugins.group.Tags;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.spi.InstancePlugin;
import io.infrakit.plugins.spi.InstanceSpec;
import io.infrakit.store.testing.EtcdCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reconcile that throws an {@code Error} (a real OutOfMemoryError, a real StackOverflowError from instance
 * plugins that hit them in DescribeInstances) does not stop reconciling: the workers live on, the replica gives up
 * its term once and leads again with new workers, the failing groups say why in their status, and every other
 * group still heals. A reconcile stuck in a plugin call turns /healthz red. Real etcd, a replica wired as
 * {@code infrakit up} wires it (election, HTTP).
 */
@Timeout(120)
class WorkerErrorIT {

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.single();

    @TempDir
    Path dir;

    private MeteredOperator op;
    private Keys keys;

    @AfterEach
    void tearDown() {
        if (op != null) {
            op.close();
        }
    }

    /** An instance plugin whose DescribeInstances does what it is given; the rest is the file plugin's. */
    private static InstancePlugin describing(FileInstancePlugin files, Supplier<List<InstanceDescription>> describe) {
        return new InstancePlugin() {
            @Override
            public void validate(JsonNode properties) {
            }

            @Override
            public String provision(InstanceSpec spec) {
                return files.provision(spec);
            }

            @Override
            public void label(String instanceId, Map<String, String> labels) {
                files.label(instanceId, labels);
            }

            @Override
            public void destroy(String instanceId, String reason) {
                files.destroy(instanceId, reason);
            }

            @Override
            public List<InstanceDescription> describeInstances(Map<String, String> tags, boolean properties) {
                return describe.get();
            }
        };
    }

    private static int depth(int n) {
        return depth(n + 1) + 1; // until the stack is gone
    }

    private Optional<GroupStatus> status(String id) {
        return op.store.get(keys.status(id)).flatMap(kv -> GroupStatus.fromJson(kv.value()));
    }

    private static String spec(String id, int size, String plugin) {
        return OperatorFixture.cattle(id, size, id).replace("instance-file", plugin);
    }

    @Test
    void anErrorInAReconcileDoesNotStopReconciling() throws Exception {
        keys = new Keys(EtcdCluster.uniquePrefix("errors"));
        FileInstancePlugin files = new FileInstancePlugin(dir);
        AtomicInteger oomCalls = new AtomicInteger();
        PluginRegistry plugins = PluginRegistry.builtins(dir)
                .registerInstance("oom", describing(files, () -> {
                    oomCalls.incrementAndGet();
                    long[] huge = new long[Integer.MAX_VALUE]; // Requested array size exceeds VM limit
                    return List.of(new InstanceDescription("x" + huge.length, null, Map.of(), null));
                }))
                .registerInstance("deep", describing(files, () -> List.of(new InstanceDescription("x" + depth(0),
                        null, Map.of(), null))));
        op = new MeteredOperator(ETCD.newStore(), keys, plugins, "errors").start();
        await("leading").atMost(Duration.ofSeconds(15)).until(op.replica::isLeader);
        op.store.put(keys.group("web"), OperatorFixture.cattle("web", 3, "w"));
        await("web converged").atMost(Duration.ofSeconds(20)).until(() -> status("web")
                .map(s -> s.converged() && s.observed() == 3).orElse(false));

        op.store.put(keys.group("oom"), spec("oom", 1, "oom"));
        op.store.put(keys.group("deep"), spec("deep", 1, "deep"));
        GroupStatus oom = await("oom's status says why").atMost(Duration.ofSeconds(20)).until(() -> status("oom")
                .filter(s -> s.error() != null).orElse(null), Objects::nonNull);
        assertThat(oom.error().message()).isEqualTo("reconcile failed: java.lang.OutOfMemoryError: Requested array"
                + " size exceeds VM limit");
        assertThat(oom.observed()).isNull();
        GroupStatus deep = await("deep's status says why").atMost(Duration.ofSeconds(20)).until(() -> status("deep")
                .filter(s -> s.error() != null).orElse(null), Objects::nonNull);
        assertThat(deep.error().message()).isEqualTo("reconcile failed: java.lang.StackOverflowError");

        // The replica gave its term up once and leads again, with all its workers.
        await("stepped down and back").atMost(Duration.ofSeconds(20)).until(() -> op.scrape()
                .value("infrakit_leader_transitions_total", Map.of()).orElse(0) >= 3 && op.replica.isLeader());
        double transitions = op.scrape().require("infrakit_leader_transitions_total", Map.of());
        assertThat(op.controller.workersProblem()).isNull();

        // Another group still heals, at once.
        int before = oomCalls.get();
        String victim = files.describeInstances(Map.of(Tags.GROUP, "web"), false).get(0).id();
        Files.delete(dir.resolve(victim));
        await("web healed").atMost(Duration.ofSeconds(10)).until(() -> {
            List<InstanceDescription> now = files.describeInstances(Map.of(Tags.GROUP, "web"), false);
            return now.size() == 3 && now.stream().noneMatch(d -> d.id().equals(victim));
        });
        Http.Answer health = Http.get(op.url("/healthz"));
        assertThat(health.status()).as(health.body()).isEqualTo(200);
        assertThat(health.body()).contains("[+]workers ok");

        // The errors come back at every retry: backed off, and no more stepping down within a minute. Watched for 3 s
        // at least, and until the next retry, which the backoff (doubling up to 30 s) may put further off.
        await("oom retried").pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(40))
                .until(() -> oomCalls.get() > before);
        assertThat(op.scrape().require("infrakit_leader_transitions_total", Map.of())).isEqualTo(transitions);
    }

    @Test
    void aReconcileStuckInAPluginCallTurnsHealthRed() throws Exception {
        keys = new Keys(EtcdCluster.uniquePrefix("stall"));
        FileInstancePlugin files = new FileInstancePlugin(dir);
        PluginRegistry plugins = PluginRegistry.builtins(dir).registerInstance("hung", describing(files, () -> {
            long until = System.nanoTime() + Duration.ofSeconds(4).toNanos();
            while (System.nanoTime() < until) { // a call that ignores interrupts and deadlines
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    // ignored, as a badly written plugin would
                }
            }
            return List.of();
        }));
        ControllerConfig config = ControllerConfig.defaults().withResync(Duration.ofSeconds(30))
                .withStallAfter(Duration.ofSeconds(1));
        op = new MeteredOperator(ETCD.newStore(), keys, plugins, "stall", config).start();
        await("leading").atMost(Duration.ofSeconds(15)).until(op.replica::isLeader);
        assertThat(Http.get(op.url("/healthz")).status()).isEqualTo(200);

        op.store.put(keys.group("hung"), spec("hung", 1, "hung"));
        Http.Answer red = await("health red").atMost(Duration.ofSeconds(10)).until(() -> {
            Http.Answer a = Http.get(op.url("/healthz"));
            return a.status() == 503 ? a : null;
        }, Objects::nonNull);
        assertThat(red.body()).containsPattern("\\[-\\]workers failed: the reconcile of hung has not moved for \\d s");
        await("health green again once the call returns").atMost(Duration.ofSeconds(10)).until(() -> Http.get(op.url("/healthz")).status() == 200);
    }
}
