package io.infrakit.operator.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.infrakit.operator.Keys;
import io.infrakit.operator.group.GroupState;
import io.infrakit.operator.group.GroupStatus;
import io.infrakit.operator.group.UpdateState;
import io.infrakit.operator.groupsocket.CliProcess;
import io.infrakit.operator.metrics.MeteredOperator;
import io.infrakit.operator.zookeeper.ProcessOperator;
import io.infrakit.plugins.PluginRegistry;
import io.infrakit.plugins.group.Tags;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.spi.PluginName;
import io.infrakit.store.testing.EtcdCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash loops against a real etcd, the real process plugin (real processes) and a replica wired as {@code infrakit
 * up} wires it (election, metrics over HTTP): a group whose processes exit at once is braked and says so, a killed
 * instance is still replaced at once, a failed update does not relaunch its bad member, and {@code group commit
 * --wait} tells a failed update from a converged one.
 */
@Timeout(240)
class CrashLoopIT {

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.single();

    @TempDir
    Path dir;

    private MeteredOperator op;
    private Keys keys;
    private PluginRegistry plugins;

    @AfterEach
    void tearDown() {
        if (op != null) {
            op.close();
        }
        if (plugins != null) {
            plugins.close();
        }
        ProcessOperator.killAll(dir.resolve("processes"));
    }

    private void start(String name) {
        keys = new Keys(EtcdCluster.uniquePrefix(name));
        plugins = PluginRegistry.builtins(dir.resolve("files"), dir.resolve("processes"));
        op = new MeteredOperator(ETCD.newStore(), keys, plugins, name).start();
        await("leading").atMost(Duration.ofSeconds(15)).until(op.replica::isLeader);
    }

    /** A group of processes running the init lines; {@code updating} null for the default policy. */
    static String spec(String id, int size, String updating, String... init) {
        String lines = java.util.Arrays.stream(init).map(l -> "\"" + l.replace("\"", "\\\"") + "\"")
                .collect(Collectors.joining(","));
        return "{\"ID\":\"" + id + "\",\"Properties\":{\"Allocation\":{\"Size\":" + size + "},"
                + "\"Instance\":{\"Plugin\":\"process\",\"Properties\":{\"StopGrace\":\"1s\"}},"
                + "\"Flavor\":{\"Plugin\":\"vanilla\",\"Properties\":{\"Init\":[" + lines + "]}}"
                + (updating == null ? "" : ",\"Updating\":" + updating) + "}}";
    }

    private long put(String id, String json) {
        return op.store.put(keys.group(id), json);
    }

    private Optional<GroupStatus> status(String id) {
        return op.store.get(keys.status(id)).flatMap(kv -> GroupStatus.fromJson(kv.value()));
    }

    /** Waits for a status that meets the condition; a timeout names the last status seen. */
    private GroupStatus awaitStatus(String id, Duration timeout, String what, Predicate<GroupStatus> condition) {
        try {
            return await(id + " " + what).atMost(timeout).until(() -> status(id).filter(condition).orElse(null), Objects::nonNull);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; last status: "
                    + status(id).map(GroupStatus::toJson).orElse("none"), e);
        }
    }

    private List<InstanceDescription> instances(String group) {
        return plugins.instance(PluginName.parse("process")).describeInstances(Map.of(Tags.GROUP, group), true);
    }

    private static long lines(Path file) throws IOException {
        return Files.exists(file) ? Files.readAllLines(file).size() : 0;
    }

    /** The file's line count once it has not changed for {@code quiet} (or after 30 s: a loop that never settles). */
    private static long settled(Path file, Duration quiet) throws Exception {
        long count = lines(file);
        long since = System.nanoTime();
        long deadline = since + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() - since < quiet.toNanos() && System.nanoTime() < deadline) {
            Thread.sleep(100);
            long now = lines(file);
            if (now != count) {
                count = now;
                since = System.nanoTime();
            }
        }
        return count;
    }

    private CliProcess.Result cli(String log, String... args) {
        List<String> all = new java.util.ArrayList<>(List.of(args));
        all.addAll(List.of("--etcd", String.join(",", ETCD.endpoints()), "--prefix", keys.prefix()));
        if (args.length > 1 && args[0].equals("group") && List.of("commit", "rollback").contains(args[1])) {
            // A real etcd gets the restricted default policy, which refuses the process plugin's init commands.
            try {
                all.addAll(List.of("--policy", Files.writeString(dir.resolve("commands-policy.json"),
                        "{\"Default\":{\"Commands\":true}}").toString()));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return CliProcess.run(dir.resolve(log), Map.of("INFRAKIT_HOME", dir.resolve("home").toString(),
                "INFRAKIT_PROCESS_DIR", dir.resolve("cli-processes").toString()), all.toArray(String[]::new));
    }

    private double metric(String name, String group) {
        return op.scrape().value(name, Map.of("group", group)).orElse(Double.NaN);
    }

    @Test
    @Tag("heavy")
    void anInstantlyFailingGroupStartsAFewTimesInItsFirstMinuteAndSaysSo() throws Exception {
        start("crashloop");
        Path starts = dir.resolve("starts");
        long t0 = System.nanoTime();
        put("loop", spec("loop", 1, null, "echo start >> " + starts, "exit 1"));

        GroupStatus looping = awaitStatus("loop", Duration.ofSeconds(20), "crash-looping twice",
                s -> s.state() == GroupState.CRASH_LOOPING && s.crashLoop().restarts() >= 2);
        assertThat(looping.converged()).isFalse();
        assertThat(looping.crashLoop().nextAttempt()).isNotNull();
        assertThat(looping.crashLoop().reason()).matches("instance process-\\w+ was gone \\d+ms after its Provision");
        await("the restarts metric").atMost(Duration.ofSeconds(10)).until(() -> metric(
                "infrakit_group_crash_loop_restarts", "loop") >= 2);
        CliProcess.Result ls = cli("ls.log", "group", "ls");
        assertThat(ls.output()).containsPattern("loop +1 +0 +crash-looping +- +crash loop: instance process-\\w+ was"
                + " gone \\d+ms after its Provision; \\d restarts, next attempt at ");

        long left = Duration.ofSeconds(60).toNanos() - (System.nanoTime() - t0);
        Thread.sleep(Math.max(0, left / 1_000_000));
        long inAMinute = lines(starts);
        System.out.printf("crash loop (process plugin, Init exit 1, Size 1): %d starts in the first 60 s%n", inAMinute);
        assertThat(inAMinute).isBetween(3L, 10L);

        // A fixed spec is a new config: tried at once, and the brake is forgotten.
        long fixed = System.nanoTime();
        put("loop", spec("loop", 1, null, "exec sleep 600"));
        GroupStatus ok = awaitStatus("loop", Duration.ofSeconds(10), "converged", GroupStatus::converged);
        assertThat(ok.crashLoop()).isNull();
        System.out.printf("crash loop: the fixed spec converged in %d ms%n", (System.nanoTime() - fixed) / 1_000_000);
        await("the restarts metric back at 0").atMost(Duration.ofSeconds(10)).until(() -> metric("infrakit_group_crash_loop_restarts", "loop") == 0);
    }

    @Test
    void anInstanceKilledAfterItsQuickWindowIsReplacedAtOnce() throws Exception {
        start("killed");
        put("web", spec("web", 2, null, "exec sleep 600"));
        awaitStatus("web", Duration.ofSeconds(20), "converged at 2", s -> s.converged() && s.observed() == 2);
        Thread.sleep(CrashLoopBrake.Policy.DEFAULT.quick().toMillis() + 500); // a long-lived instance now
        InstanceDescription victim = instances("web").get(0);
        long killed = System.nanoTime();
        ProcessHandle.of(victim.properties().get("Pid").asLong()).orElseThrow().destroyForcibly();
        await("a replacement").atMost(Duration.ofSeconds(10)).until(() -> {
            List<InstanceDescription> now = instances("web");
            return now.size() == 2 && now.stream().noneMatch(d -> d.id().equals(victim.id()));
        });
        long healMs = (System.nanoTime() - killed) / 1_000_000;
        System.out.printf("crash-loop brake: a kill -9 of a process that ran %d s replaced in %d ms%n",
                CrashLoopBrake.Policy.DEFAULT.quick().toSeconds(), healMs);
        assertThat(healMs).as("no brake on an ordinary kill").isLessThan(CrashLoopBrake.Policy.DEFAULT.firstDelay()
                .toMillis() * 3);
        assertThat(status("web").orElseThrow().crashLoop()).isNull();
    }

    @Test
    @Tag("heavy")
    void aFailedUpdateDoesNotRelaunchItsBadMember() throws Exception {
        start("badupdate");
        put("web", spec("web", 2, null, "exec sleep 600"));
        GroupStatus v1 = awaitStatus("web", Duration.ofSeconds(20), "converged at 2",
                s -> s.converged() && s.observed() == 2);
        Path starts = dir.resolve("bad-starts");
        put("web", spec("web", 2, null, "echo start >> " + starts, "exit 1"));

        GroupStatus failed = awaitStatus("web", Duration.ofSeconds(30), "update failed",
                s -> s.state() == GroupState.FAILED);
        assertThat(failed.update().state()).isEqualTo(UpdateState.FAILED);
        assertThat(failed.update().reason()).matches("crash loop: instance process-\\w+ was gone \\d+ms after its"
                + " Provision");
        // A start the failing pass launched before it wrote the status echoes a moment later (seconds on a loaded
        // machine): count from when the count has held for 3 s.
        long atFailure = settled(starts, Duration.ofSeconds(3));
        Thread.sleep(40_000);
        long after = lines(starts);
        System.out.printf("failed update: %d starts of the bad member until it failed, %d in the 40 s after%n",
                atFailure, after - atFailure);
        assertThat(after).as("no relaunch while the failed update is paused").isEqualTo(atFailure);
        assertThat(instances("web")).as("the old member left running").hasSize(1)
                .allMatch(d -> v1.configSha().equals(d.tag(Tags.CONFIG_SHA)));
        assertThat(status("web").orElseThrow().crashLoop().nextAttempt()).as("held for a person").isNull();

        assertThat(cli("rollback.log", "group", "rollback", "web").exitCode()).isZero();
        awaitStatus("web", Duration.ofSeconds(20), "back at the old config",
                s -> s.converged() && s.observed() == 2 && s.configSha().equals(v1.configSha()));
    }

    @Test
    void commitWaitExitsOneWhenAnUpdateIsRolledBackAndFourWhenAPersonPausesIt() throws Exception {
        start("commitwait");
        String rollback = "{\"OnFailure\":\"rollback\"}";
        put("web", spec("web", 2, rollback, "exec sleep 600"));
        GroupStatus v1 = awaitStatus("web", Duration.ofSeconds(20), "converged at 2",
                s -> s.converged() && s.observed() == 2);

        Path v2 = Files.writeString(dir.resolve("v2.json"), spec("web", 2, rollback, "exit 1"));
        CliProcess.Result wait = cli("commit-v2.log", "group", "commit", "--wait", "--timeout", "60s", v2.toString());
        assertThat(wait.exitCode()).as(wait.output()).isEqualTo(1);
        assertThat(wait.output()).containsPattern("update failed: crash loop: instance process-\\w+ was gone \\d+ms"
                + " after its Provision; rolled back");

        GroupStatus back = awaitStatus("web", Duration.ofSeconds(30), "back at v1, still saying it was rolled back",
                s -> s.configSha().equals(v1.configSha()) && s.observed() == 2 && s.outOfDate() == 0
                        && s.state() == GroupState.ROLLED_BACK);
        assertThat(back.converged()).isFalse();
        assertThat(back.rolledBack().reason()).contains("instance process-");
        assertThat(instances("web")).hasSize(2).allMatch(d -> v1.configSha().equals(d.tag(Tags.CONFIG_SHA)));
        Thread.sleep(2000); // resyncs change nothing: it stays rolled back until the next commit
        assertThat(status("web").orElseThrow().state()).isEqualTo(GroupState.ROLLED_BACK);
        assertThat(cli("ls.log", "group", "ls").output()).containsPattern("web +2 +2 +rolled-back +- +update to \\w+"
                + " \\(revision \\d+\\) rolled back: crash loop: instance process-");

        assertThat(cli("pause.log", "group", "pause", "web").exitCode()).isZero();
        Path v3 = Files.writeString(dir.resolve("v3.json"), spec("web", 2, rollback, "exec sleep 601"));
        CliProcess.Result paused = cli("commit-v3.log", "group", "commit", "--wait", "--timeout", "60s",
                v3.toString());
        assertThat(paused.exitCode()).as(paused.output()).isEqualTo(4);
        assertThat(paused.output()).contains("update paused by a person");
        GroupStatus after = status("web").orElseThrow();
        assertThat(after.rolledBack()).as("a new commit ends the rollback's report").isNull();
        Set<String> configs = instances("web").stream().map(d -> d.tag(Tags.CONFIG_SHA)).collect(Collectors.toSet());
        assertThat(configs).containsExactly(v1.configSha());
    }
}
