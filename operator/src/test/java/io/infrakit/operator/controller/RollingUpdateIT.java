package io.infrakit.operator.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.infrakit.operator.cli.Main;
import io.infrakit.operator.group.GroupState;
import io.infrakit.operator.group.GroupStatus;
import io.infrakit.operator.group.UpdateState;
import io.infrakit.plugins.group.Tags;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.store.testing.EtcdCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Rolling updates end to end: real etcd, the file plugin, a flavor whose health the test steers. */
class RollingUpdateIT {

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.single();

    @TempDir
    Path dir;

    private OperatorFixture op;
    private final TestHealthFlavor flavor = new TestHealthFlavor();

    private OperatorFixture operator(String name) {
        op = new OperatorFixture(ETCD, name, dir, Duration.ofSeconds(5));
        op.plugins.registerFlavor("health", flavor);
        return op.start();
    }

    @AfterEach
    void tearDown() {
        if (op != null) {
            op.close();
        }
    }

    static String spec(String id, String allocation, String flavorProps, String updating) {
        return "{\"ID\":\"" + id + "\",\"Properties\":{\"Allocation\":" + allocation + ","
                + "\"Instance\":{\"Plugin\":\"file\",\"Properties\":{}},"
                + "\"Flavor\":{\"Plugin\":\"health\",\"Properties\":" + flavorProps + "}"
                + (updating == null ? "" : ",\"Updating\":" + updating) + "}}";
    }

    static String flavor(String init, long healthyAfterMs) {
        return "{\"Init\":[\"" + init + "\"],\"HealthyAfterMs\":" + healthyAfterMs + "}";
    }

    private Set<String> ids(String group) {
        return op.instances(group).stream().map(InstanceDescription::id).collect(Collectors.toSet());
    }

    private long atConfig(String group, String sha) {
        return op.instances(group).stream().filter(d -> sha.equals(d.tag(Tags.CONFIG_SHA))).count();
    }

    private GroupStatus awaitUpdate(String id, UpdateState state) {
        return await(id + " update " + state).atMost(Duration.ofSeconds(60)).until(() -> op.status(id)
                .filter(s -> s.update() != null && s.update().state() == state).orElse(null), Objects::nonNull);
    }

    /** Samples the group while it rolls: the most instances at the target config that were not yet healthy. */
    private int maxUnhealthyNew(String group, String flavorProps, AtomicBoolean stop) throws InterruptedException {
        var props = io.infrakit.plugins.json.Json.parse(flavorProps);
        int max = 0;
        while (!stop.get()) {
            GroupStatus s = op.status(group).orElse(null);
            if (s != null && s.update() != null) {
                String target = s.update().targetSha();
                int down = (int) op.instances(group).stream()
                        .filter(d -> target.equals(d.tag(Tags.CONFIG_SHA)) && !flavor.seenHealthy(props, d.id()))
                        .count();
                max = Math.max(max, down);
            }
            Thread.sleep(10);
        }
        return max;
    }

    @Test
    void rollsTenInstancesOneAtATimeGatedByHealth() throws Exception {
        operator("roll");
        op.put("web", spec("web", "{\"Size\":10}", flavor("v1", 0), null));
        op.awaitConverged("web", 10);
        Set<String> before = ids("web");
        String v2 = flavor("v2", 150);
        AtomicBoolean stop = new AtomicBoolean();
        var sampler = java.util.concurrent.Executors.newSingleThreadExecutor();
        var max = sampler.submit(() -> maxUnhealthyNew("web", v2, stop));
        op.put("web", spec("web", "{\"Size\":10}", v2, null));
        GroupStatus done = awaitUpdate("web", UpdateState.DONE);
        stop.set(true);
        assertThat(max.get()).as("never more than one new instance not yet healthy").isLessThanOrEqualTo(1);
        sampler.shutdown();
        assertThat(done.update().batch()).isEqualTo(10);
        assertThat(done.converged()).isTrue();
        assertThat(ids("web")).hasSize(10).doesNotContainAnyElementsOf(before);
        assertThat(atConfig("web", done.configSha())).isEqualTo(10);
    }

    @Test
    void neverHealthyInstancePausesAtTheDeadlineAndRollbackRestoresTheOldConfig() {
        operator("deadline");
        String v1 = spec("web", "{\"Size\":4}", flavor("v1", 0), "{\"HealthDeadline\":\"1s\"}");
        op.put("web", v1);
        GroupStatus s1 = op.awaitConverged("web", 4);
        op.put("web", spec("web", "{\"Size\":4}", "{\"Init\":[\"v2\"],\"Never\":true}", "{\"HealthDeadline\":\"1s\"}"));
        GroupStatus failed = awaitUpdate("web", UpdateState.FAILED);
        assertThat(failed.update().reason()).contains("not healthy within 1s");
        assertThat(atConfig("web", s1.configSha())).as("old instances intact").isEqualTo(3);
        assertThat(op.instances("web")).hasSize(4);
        int rc = Main.run("group", "rollback", "web", "--etcd", String.join(",", ETCD.endpoints()), "--prefix",
                op.keys.prefix());
        assertThat(rc).isZero();
        await("back at v1").atMost(Duration.ofSeconds(30)).until(() -> atConfig("web", s1.configSha()) == 4
                && op.status("web").map(GroupStatus::converged).orElse(false));
    }

    @Test
    void unhealthyInstanceWithRollbackPolicyRollsBackByItself() {
        operator("autorollback");
        String upd = "{\"OnFailure\":\"rollback\",\"HealthDeadline\":\"5s\"}";
        op.put("web", spec("web", "{\"Size\":3}", flavor("v1", 0), upd));
        GroupStatus s1 = op.awaitConverged("web", 3);
        op.put("web", spec("web", "{\"Size\":3}", "{\"Init\":[\"v2\"],\"Unhealthy\":true}", upd));
        await("rolled back").atMost(Duration.ofSeconds(30)).until(() -> atConfig("web", s1.configSha()) == 3
                && op.status("web").map(s -> s.state() == GroupState.ROLLED_BACK && s.observed() == 3
                && s.outOfDate() == 0 && s.configSha().equals(s1.configSha())).orElse(false));
        GroupStatus.RolledBack r = op.status("web").orElseThrow().rolledBack();
        assertThat(r.reason()).as("the failing instance named").matches("Instance instance-\\w+ is unhealthy");
        assertThat(r.targetSha()).isNotEqualTo(s1.configSha());
    }

    @Test
    void commitMidUpdateRetargetsAndScaleChangesApplyAtOnce() {
        operator("retarget");
        op.put("web", spec("web", "{\"Size\":6}", flavor("v1", 0), null));
        op.awaitConverged("web", 6);
        op.put("web", spec("web", "{\"Size\":6}", flavor("v2", 400), null));
        await("v2 half way").atMost(Duration.ofSeconds(20)).until(() -> op.status("web")
                .map(s -> s.update() != null && s.update().batch() >= 2).orElse(false));
        op.put("web", spec("web", "{\"Size\":9}", flavor("v3", 100), null));
        await("scale to 9 without waiting for the roll").atMost(Duration.ofSeconds(5))
                .until(() -> ids("web").size() == 9);
        GroupStatus done = awaitUpdate("web", UpdateState.DONE);
        assertThat(done.desired()).isEqualTo(9);
        assertThat(atConfig("web", done.configSha())).isEqualTo(9);
    }

    @Test
    void pausedUpdateStopsRollingButStillSelfHeals() throws Exception {
        operator("pause");
        op.put("web", spec("web", "{\"Size\":4}", flavor("v1", 0), null));
        op.awaitConverged("web", 4);
        String endpoints = String.join(",", ETCD.endpoints());
        assertThat(Main.run("group", "pause", "web", "--etcd", endpoints, "--prefix", op.keys.prefix())).isZero();
        op.put("web", spec("web", "{\"Size\":4}", flavor("v2", 0), null));
        GroupStatus paused = awaitUpdate("web", UpdateState.PAUSED);
        java.nio.file.Files.delete(dir.resolve(op.instances("web").get(0).id()));
        op.awaitInstances("web", 4);
        await("a paused update rolls nothing").during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(atConfig("web", paused.configSha())).as("only the replacement is new")
                        .isEqualTo(1));
        assertThat(Main.run("group", "resume", "web", "--etcd", endpoints, "--prefix", op.keys.prefix())).isZero();
        GroupStatus done = awaitUpdate("web", UpdateState.DONE);
        assertThat(atConfig("web", done.configSha())).isEqualTo(4);
    }

    @Test
    void petsAreUpdatedOneLogicalIdAtATimeNeverTwoDown() throws Exception {
        operator("pets");
        String alloc = "{\"LogicalIDs\":[\"a\",\"b\",\"c\"]}";
        op.put("zk", spec("zk", alloc, flavor("v1", 0), null));
        op.awaitConverged("zk", 3);
        String v2 = flavor("v2", 200);
        var props = io.infrakit.plugins.json.Json.parse(v2);
        String v2sha = io.infrakit.operator.group.SpecValidator.parse("zk", spec("zk", alloc, v2, null), 0).configHash();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger maxDown = new AtomicInteger();
        Thread sampler = new Thread(() -> {
            while (!stop.get()) {
                // A member is up when it exists and is either still at the old config or healthy at the new one.
                long up = op.instances("zk").stream()
                        .filter(d -> !v2sha.equals(d.tag(Tags.CONFIG_SHA)) || flavor.seenHealthy(props, d.id()))
                        .map(InstanceDescription::logicalId).distinct().count();
                maxDown.accumulateAndGet((int) (3 - up), Math::max);
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        op.put("zk", spec("zk", alloc, v2, null));
        sampler.start();
        GroupStatus done = awaitUpdate("zk", UpdateState.DONE);
        stop.set(true);
        sampler.join();
        assertThat(maxDown.get()).as("members down at once").isLessThanOrEqualTo(1);
        assertThat(op.instances("zk")).extracting(InstanceDescription::logicalId)
                .containsExactlyInAnyOrder("a", "b", "c");
        assertThat(atConfig("zk", done.configSha())).isEqualTo(3);
    }

    @Test
    void newLeaderContinuesTheSameUpdateWithoutReplacingFinishedInstances() {
        operator("failover");
        op.put("web", spec("web", "{\"Size\":6}", flavor("v1", 0), null));
        op.awaitConverged("web", 6);
        op.put("web", spec("web", "{\"Size\":6}", flavor("v2", 300), null));
        GroupStatus mid = await("two batches").atMost(Duration.ofSeconds(20)).until(() -> op.status("web")
                .filter(s -> s.update() != null && s.update().batch() >= 3).orElse(null), Objects::nonNull);
        op.controller.close(); // the leader dies mid-update
        Set<String> finished = op.instances("web").stream()
                .filter(d -> mid.configSha().equals(d.tag(Tags.CONFIG_SHA))).map(InstanceDescription::id)
                .collect(Collectors.toSet());
        assertThat(finished).isNotEmpty();
        op.start(); // a new leader, same etcd and plugins
        GroupStatus done = awaitUpdate("web", UpdateState.DONE);
        assertThat(ids("web")).as("finished instances were not replaced again").containsAll(finished);
        assertThat(done.update().batch()).isGreaterThanOrEqualTo(6);
        assertThat(atConfig("web", done.configSha())).isEqualTo(6);
    }
}
