package io.infrakit.operator.controller;

import static io.infrakit.operator.controller.OperatorFixture.cattle;
import static io.infrakit.operator.controller.OperatorFixture.pets;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.operator.group.GroupState;
import io.infrakit.operator.group.GroupStatus;
import io.infrakit.plugins.group.Tags;
import io.infrakit.plugins.spi.Allocation;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.spi.InstanceSpec;
import io.infrakit.store.testing.EtcdCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The controller end to end against a real etcd and the file plugin in a temp dir. */
class ControllerIT {

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.single();

    @TempDir
    Path dir;

    private OperatorFixture op;

    private OperatorFixture operator(String name, Duration resync) {
        op = new OperatorFixture(ETCD, name, dir, resync).start();
        return op;
    }

    @AfterEach
    void tearDown() {
        if (op != null) {
            op.close();
        }
    }

    @Test
    void rawPutConvergesToInstanceFilesAndStatus() throws Exception {
        OperatorFixture op = operator("raw", Duration.ofSeconds(10));
        op.put("web", cattle("web", 3, "hello"));
        op.awaitInstances("web", 3);
        GroupStatus s = op.awaitConverged("web", 3);
        assertThat(s.state()).isEqualTo(GroupState.CONVERGED);
        assertThat(s.error()).isNull();
        InstanceDescription one = op.files.describeInstances(Map.of(Tags.GROUP, "web"), true).get(0);
        assertThat(one.tags()).containsEntry("tier", "web").containsEntry(Tags.CONFIG_SHA, s.configSha());
        InstanceSpec spec = io.infrakit.plugins.json.Json.mapper().treeToValue(one.properties(), InstanceSpec.class);
        assertThat(spec.init()).isEqualTo("echo hello");
        try (var files = Files.list(dir)) {
            assertThat(files.count()).isEqualTo(3);
        }
    }

    @Test
    void aTermWonBeforeTheSpecsAreReadActsOnlyOnceTheyAre() {
        op = new OperatorFixture(ETCD, "early", dir, Duration.ofSeconds(30));
        op.put("web", cattle("web", 2, "x"));
        op.put("db", cattle("db", 1, "x"));
        op.startElectedFirst();
        assertThat(op.controller.isLeading()).as("held: no spec, free or pause marker read yet").isFalse();
        op.controller.start();
        await("leading once synced").atMost(Duration.ofSeconds(10)).until(op.controller::isLeading);
        op.awaitConverged("web", 2);
        op.awaitConverged("db", 1);
    }

    @Test
    void scalesUpAndDown() {
        OperatorFixture op = operator("scale", Duration.ofSeconds(10));
        op.put("web", cattle("web", 3, "x"));
        op.awaitConverged("web", 3);
        op.put("web", cattle("web", 10, "x"));
        op.awaitInstances("web", 10);
        op.awaitConverged("web", 10);
        op.put("web", cattle("web", 2, "x"));
        op.awaitInstances("web", 2);
        op.awaitConverged("web", 2);
    }

    @Test
    void fileDeletedByHandIsReplaced() throws Exception {
        OperatorFixture op = operator("heal", Duration.ofSeconds(1));
        op.put("web", cattle("web", 3, "x"));
        op.awaitConverged("web", 3);
        String victim = op.instances("web").get(0).id();
        Files.delete(dir.resolve(victim));
        await("replacement").atMost(Duration.ofSeconds(5)).until(() -> {
            List<InstanceDescription> now = op.instances("web");
            return now.size() == 3 && now.stream().noneMatch(d -> d.id().equals(victim));
        });
    }

    @Test
    void petsGetOneInstancePerLogicalIdAndUnknownOnesAreDestroyed() {
        OperatorFixture op = operator("pets", Duration.ofSeconds(10));
        String stray = op.files.provision(new InstanceSpec(null, Map.of(Tags.GROUP, "zk", Tags.CONFIG_SHA, "x"),
                "", "10.0.0.9", null));
        op.put("zk", pets("zk", "10.0.0.1", "10.0.0.2", "10.0.0.3"));
        op.awaitConverged("zk", 3);
        List<InstanceDescription> members = op.instances("zk");
        assertThat(members).extracting(InstanceDescription::logicalId)
                .containsExactlyInAnyOrder("10.0.0.1", "10.0.0.2", "10.0.0.3");
        assertThat(members).extracting(InstanceDescription::id).doesNotContain(stray);
        assertThat(members).allSatisfy(d -> assertThat(d.tags()).containsEntry(Tags.LOGICAL_ID, d.logicalId()));
    }

    @Test
    void deletingTheSpecDestroysTheInstancesAndTheStatus() {
        OperatorFixture op = operator("delete", Duration.ofSeconds(10));
        op.put("web", cattle("web", 4, "x"));
        op.awaitConverged("web", 4);
        op.store.delete(op.keys.group("web"));
        op.awaitInstances("web", 0);
        await("status removed").atMost(Duration.ofSeconds(5)).until(() -> op.status("web").isEmpty());
    }

    @Test
    void freedGroupKeepsItsInstancesAndIsNotManaged() throws Exception {
        OperatorFixture op = operator("free", Duration.ofMillis(300));
        op.put("web", cattle("web", 2, "x"));
        op.awaitConverged("web", 2);
        op.store.put(op.keys.free("web"), "{}");
        op.awaitStatus("web", s -> (s.state() == GroupState.FREE), "free status");
        Files.delete(dir.resolve(op.instances("web").get(0).id()));
        op.put("web", cattle("web", 5, "x"));
        await("a freed group left alone over several resyncs").during(Duration.ofSeconds(1))
                .atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(op.instances("web")).hasSize(1));
        op.store.delete(op.keys.free("web"));
        op.awaitConverged("web", 5);
    }

    @Test
    void invalidSpecIsReportedAndTouchesNothingWhileOtherGroupsConverge() throws Exception {
        OperatorFixture op = operator("invalid", Duration.ofMillis(300));
        op.put("web", cattle("web", 2, "x"));
        op.awaitConverged("web", 2);
        Set<String> before = ids(op.instances("web"));
        op.put("web", "{\"ID\":\"web\", this is not json");
        op.put("api", cattle("api", 3, "y"));
        GroupStatus s = op.awaitStatus("web", x -> x.error() != null, "error status");
        assertThat(s.state()).isEqualTo(GroupState.ERROR);
        assertThat(s.converged()).isFalse();
        op.awaitConverged("api", 3);
        op.put("web", cattle("web", -4, "x"));
        op.awaitStatus("web", x -> x.error() != null && x.error().message().contains("negative"), "negative size");
        op.put("web", cattle("web", 2, "x").replace("instance-file", "instance-missing"));
        op.awaitStatus("web", x -> x.error() != null && x.error().message().contains("instance-missing"),
                "unknown plugin");
        await("a group in error left alone").during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(ids(op.instances("web"))).isEqualTo(before));
        op.put("web", cattle("web", 2, "x"));
        GroupStatus healed = op.awaitConverged("web", 2);
        assertThat(healed.error()).isNull();
        assertThat(ids(op.instances("web"))).isEqualTo(before);
    }

    @Test
    void restartedOperatorAdoptsWhatExistsWithoutDuplicates() {
        OperatorFixture op = operator("restart", Duration.ofSeconds(10));
        op.put("web", cattle("web", 5, "x"));
        op.put("zk", pets("zk", "a", "b", "c"));
        op.awaitConverged("web", 5);
        op.awaitConverged("zk", 3);
        Set<String> web = ids(op.instances("web"));
        Set<String> zk = ids(op.instances("zk"));
        op.restart();
        op.put("other", cattle("other", 1, "z"));
        op.awaitConverged("other", 1);
        assertThat(ids(op.instances("web"))).isEqualTo(web);
        assertThat(ids(op.instances("zk"))).isEqualTo(zk);
    }

    @Test
    void bootstrapInstancesAreAdoptedAndLabelled() {
        OperatorFixture op = operator("bootstrap", Duration.ofSeconds(10));
        String boot = op.files.provision(new InstanceSpec(null, Map.of(Tags.GROUP, "web", Tags.CONFIG_SHA,
                Tags.BOOTSTRAP), "", null, null));
        op.put("web", cattle("web", 2, "x"));
        GroupStatus s = op.awaitConverged("web", 2);
        InstanceDescription adopted = op.instances("web").stream().filter(d -> d.id().equals(boot)).findFirst()
                .orElseThrow();
        assertThat(adopted.tags()).containsEntry(Tags.CONFIG_SHA, s.configSha());
    }

    @Test
    void resyncThatFindsNothingToDoWritesNothing() throws Exception {
        OperatorFixture op = operator("quiet", Duration.ofMillis(100));
        op.put("web", cattle("web", 3, "x"));
        op.awaitConverged("web", 3);
        // The events of converging are written in batches, EventRecorder.INTERVAL after they happen (later on a
        // loaded machine): wait until etcd's revision stands still for a few intervals.
        long[] last = {-1};
        await("etcd quiet after converging (a write at every resync never lets it be)")
                .pollInterval(Duration.ofMillis(50))
                .during(io.infrakit.operator.events.EventRecorder.INTERVAL.multipliedBy(3))
                .atMost(Duration.ofSeconds(20)).until(() -> {
                    long now = op.store.list(op.keys.prefix()).revision();
                    boolean still = now == last[0];
                    last[0] = now;
                    return still;
                });
        long before = op.store.put(op.keys.prefix() + "/probe", "1");
        Thread.sleep(1000); // about ten resyncs
        long after = op.store.put(op.keys.prefix() + "/probe", "2");
        assertThat(after).as("no etcd write between the two probes").isEqualTo(before + 1);
    }

    @Test
    void whatTheFlavorDidOnItsOwnShowsInTheStatus() {
        OperatorFixture op = new OperatorFixture(ETCD, "notes", dir, Duration.ofMillis(200));
        java.util.concurrent.atomic.AtomicReference<List<String>> notes = new java.util.concurrent.atomic.AtomicReference<>(
                List.of());
        List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
        io.infrakit.plugins.vanilla.VanillaFlavorPlugin vanilla = new io.infrakit.plugins.vanilla.VanillaFlavorPlugin();
        op.plugins.registerFlavor("noting", new io.infrakit.plugins.spi.FlavorPlugin() {
            @Override
            public void validate(JsonNode properties, Allocation allocation) {
                vanilla.validate(properties, allocation);
            }

            @Override
            public InstanceSpec prepare(JsonNode properties, InstanceSpec spec, Allocation allocation,
                                        io.infrakit.plugins.spi.Index index) {
                return vanilla.prepare(properties, spec, allocation, index);
            }

            @Override
            public io.infrakit.plugins.spi.Health healthy(JsonNode properties, InstanceDescription instance) {
                return vanilla.healthy(properties, instance);
            }

            @Override
            public void drain(JsonNode properties, InstanceDescription instance) {
                vanilla.drain(properties, instance);
            }

            @Override
            public List<String> notes(String group, JsonNode properties, Allocation allocation) {
                asked.add(group + ":" + allocation.desired() + ":" + properties.path("Init").get(0).asText());
                return notes.get();
            }
        });
        this.op = op.start();
        op.put("web", cattle("web", 2, "x").replace("flavor-vanilla", "noting"));
        assertThat(op.awaitConverged("web", 2).notes()).isEmpty();
        assertThat(asked).contains("web:2:echo hello");

        notes.set(List.of("2026-01-01T00:00:00Z removed manager node n1 from the swarm"));
        GroupStatus s = op.awaitStatus("web", st -> !st.notes().isEmpty(), "the flavor's notes in the status");
        assertThat(s.notes()).containsExactly("2026-01-01T00:00:00Z removed manager node n1 from the swarm");
        assertThat(s.converged()).isTrue();
        assertThat(op.store.get(op.keys.status("web")).orElseThrow().value())
                .contains("\"Notes\":[\"2026-01-01T00:00:00Z removed manager node n1 from the swarm\"]");
    }

    private static Set<String> ids(List<InstanceDescription> list) {
        return list.stream().map(InstanceDescription::id).collect(Collectors.toSet());
    }
}
