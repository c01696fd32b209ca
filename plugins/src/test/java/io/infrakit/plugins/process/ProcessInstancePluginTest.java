package io.infrakit.plugins.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.plugins.group.Tags;
import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.spi.InstanceSpec;
import io.infrakit.plugins.spi.PluginException;
import io.infrakit.plugins.state.PrivateFiles;
import io.infrakit.plugins.supervision.CrashLoops;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real processes: started detached, found again by a new plugin, killed, and stopped by destroy. */
class ProcessInstancePluginTest {

    @TempDir
    Path dir;

    private final List<ProcessInstancePlugin> plugins = new ArrayList<>();

    private ProcessInstancePlugin plugin() {
        return plugin(ProcessInstancePlugin.CHECK_PERIOD);
    }

    private ProcessInstancePlugin plugin(Duration checkPeriod) {
        ProcessInstancePlugin p = new ProcessInstancePlugin(dir.resolve("state"), checkPeriod);
        plugins.add(p);
        return p;
    }

    @AfterEach
    void killEverything() {
        ProcessTesting.killAll(dir.resolve("state"));
        plugins.forEach(ProcessInstancePlugin::close);
    }

    static InstanceSpec spec(String init, String properties, String logicalId) {
        JsonNode props = properties == null ? null : Json.parse(properties);
        return new InstanceSpec(props, Map.of(Tags.GROUP, "g", "tier", "a"), init, logicalId, null);
    }

    static long pid(ProcessInstancePlugin p, String id) {
        return p.describeInstances(Map.of(), true).stream().filter(d -> d.id().equals(id)).findFirst()
                .orElseThrow().properties().get("Pid").asLong();
    }

    static void await(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void stateFilesAndLogsArePrivate() throws Exception {
        ProcessInstancePlugin p = plugin();
        assertThat(Files.getPosixFilePermissions(p.directory())).isEqualTo(PrivateFiles.DIRECTORY);
        Files.setPosixFilePermissions(p.directory(), PosixFilePermissions.fromString("rwxrwxrwx"));
        String id = p.provision(spec("echo secret-token", "{\"Command\":\"exec sleep 60\"}", null));
        assertThat(Files.getPosixFilePermissions(p.logFile(id))).isEqualTo(PrivateFiles.FILE);
        assertThat(Files.getPosixFilePermissions(p.directory().resolve(id + ".json"))).isEqualTo(PrivateFiles.FILE);
        p.label(id, Map.of("a", "b"));
        assertThat(Files.getPosixFilePermissions(p.directory().resolve(id + ".json"))).isEqualTo(PrivateFiles.FILE);
    }

    @Test
    void runsTheInitScriptThenTheCommandWithTheInstanceEnvironmentAndLogsToAFile() throws Exception {
        ProcessInstancePlugin p = plugin();
        Path work = Files.createDirectories(dir.resolve("work"));
        String id = p.provision(spec("echo \"init $INFRAKIT_GROUP $INFRAKIT_INSTANCE_ID $INFRAKIT_LOGICAL_ID $FOO\"",
                "{\"Command\":\"pwd; exec sleep 60\",\"Env\":{\"FOO\":\"bar\"},\"Dir\":\"" + work + "\"}", "m1"));
        List<InstanceDescription> listed = p.describeInstances(Map.of("tier", "a"), false);
        assertThat(listed).extracting(InstanceDescription::id).containsExactly(id);
        assertThat(listed.get(0).logicalId()).isEqualTo("m1");
        assertThat(p.describeInstances(Map.of("tier", "b"), false)).isEmpty();
        Path log = p.logFile(id);
        await("output", () -> read(log).contains(work.toString()));
        assertThat(read(log)).startsWith("init g " + id + " m1 bar\n" + work + "\n");
        long pid = pid(p, id);
        assertThat(ProcessHandle.of(pid)).isPresent();
        p.destroy(id, "terminate");
        assertThat(p.describeInstances(Map.of(), false)).isEmpty();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(log).exists();
    }

    @Test
    void aKilledProcessIsReportedAtOnceAndIsGone() throws Exception {
        // The /proc check never runs during the test: only the child's onExit() can report its exit.
        ProcessInstancePlugin p = plugin(Duration.ofHours(1));
        String id = p.provision(spec("exec sleep 60", null, null));
        CountDownLatch changed = new CountDownLatch(1);
        p.onChange(changed::countDown);
        ProcessHandle.of(pid(p, id)).orElseThrow().destroyForcibly();
        assertThat(changed.await(10, TimeUnit.SECONDS)).as("a child's exit reported without the /proc check")
                .isTrue();
        assertThat(p.describeInstances(Map.of(), false)).isEmpty();
        assertThat(Files.exists(dir.resolve("state").resolve(id + ".json"))).isFalse();
    }

    @Test
    void processesOutliveThePluginAndAreFoundWatchedAndLabelledByTheNext() throws Exception {
        ProcessInstancePlugin first = plugin();
        String id = first.provision(spec("exec sleep 60", null, "m2"));
        long pid = pid(first, id);
        first.close();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).contains(true);

        ProcessInstancePlugin second = plugin();
        assertThat(second.describeInstances(Map.of(Tags.GROUP, "g"), false)).extracting(InstanceDescription::id)
                .containsExactly(id);
        second.label(id, Map.of(Tags.CONFIG_SHA, "abc"));
        InstanceDescription d = second.describeInstances(Map.of(Tags.CONFIG_SHA, "abc"), false).get(0);
        assertThat(d.tags()).containsEntry("tier", "a").containsEntry(Tags.CONFIG_SHA, "abc");
        assertThat(d.logicalId()).isEqualTo("m2");

        CountDownLatch changed = new CountDownLatch(1);
        second.onChange(changed::countDown);
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        assertThat(changed.await(10, TimeUnit.SECONDS)).as("an exit of a process found again").isTrue();
        assertThat(second.describeInstances(Map.of(), false)).isEmpty();
    }

    @Test
    void aRecycledPidIsNotTheInstance() throws Exception {
        ProcessInstancePlugin p = plugin();
        String id = p.provision(spec("exec sleep 60", null, null));
        long realPid = pid(p, id);
        try {
            recycle(p, id);
        } finally {
            ProcessHandle.of(realPid).ifPresent(ProcessHandle::destroyForcibly); // the plugin lost track of it
        }
    }

    private void recycle(ProcessInstancePlugin p, String id) throws Exception {
        Path state = dir.resolve("state").resolve(id + ".json");
        // The same instance, but its pid now belongs to another process (this JVM) with another start time.
        JsonNode record = Json.parse(Files.readAllBytes(state));
        ((com.fasterxml.jackson.databind.node.ObjectNode) record).put("Pid", ProcessHandle.current().pid());
        Files.writeString(state, Json.write(record));
        assertThat(p.describeInstances(Map.of(), false)).isEmpty();
        assertThatThrownBy(() -> p.label(id, Map.of("a", "b"))).isInstanceOf(PluginException.class);
        assertThat(ProcessHandle.current().isAlive()).isTrue();
    }

    @Test
    void destroySendsTermThenKillsAfterTheGracePeriodAndIsNotReportedAsAChange() throws Exception {
        ProcessInstancePlugin p = plugin();
        AtomicInteger changes = new AtomicInteger();
        p.onChange(changes::incrementAndGet);
        String stubborn = p.provision(spec("trap 'echo got TERM' TERM; echo trap set; while :; do sleep 0.05; done",
                "{\"StopGrace\":\"300ms\"}", null));
        String polite = p.provision(spec("exec sleep 60", "{\"StopGrace\":\"5s\"}", null));
        long stubbornPid = pid(p, stubborn);
        await("trap set", () -> read(p.logFile(stubborn)).contains("trap set\n")); // else TERM would kill the shell

        long start = System.nanoTime();
        p.destroy(stubborn, "terminate");
        long stubbornMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        start = System.nanoTime();
        p.destroy(polite, "terminate");
        long politeMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(stubbornMs).as("waited for the grace period").isGreaterThanOrEqualTo(300);
        assertThat(politeMs).as("SIGTERM was enough").isLessThan(2000);
        assertThat(read(p.logFile(stubborn))).contains("got TERM");
        assertThat(ProcStat.read(stubbornPid).filter(ProcStat::running)).isEmpty();
        assertThat(p.describeInstances(Map.of(), false)).isEmpty();
        Duration twoChecks = ProcessInstancePlugin.CHECK_PERIOD.multipliedBy(2);
        Awaitility.await("no change reported over two checks").during(twoChecks).atMost(twoChecks.multipliedBy(2))
                .untilAsserted(() -> assertThat(changes).hasValue(0));
        assertThatThrownBy(() -> p.destroy(stubborn, "again")).hasMessageContaining("not found");
    }

    @Test
    void aCrashLoopIsReportedMoreAndMoreSlowly() throws Exception {
        ProcessInstancePlugin p = plugin();
        List<Long> provisions = new java.util.concurrent.CopyOnWriteArrayList<>(); // when each began (nanoTime)
        Duration window = Duration.ofMillis(2500);
        var replacer = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            // What a controller does: replace the instance whenever the plugin reports a change.
            p.onChange(() -> replacer.execute(() -> {
                provisions.add(System.nanoTime());
                p.provision(spec("exit 3", null, null));
            }));
            provisions.add(System.nanoTime());
            p.provision(spec("exit 3", null, null));
            // Load only makes each step slower: wait for four provisions, and for the window to have passed.
            Awaitility.await("four provisions").atMost(Duration.ofSeconds(20)).until(() -> provisions.size() >= 4
                    && System.nanoTime() - provisions.get(0) >= window.toNanos());
        } finally {
            replacer.shutdownNow();
            replacer.awaitTermination(5, TimeUnit.SECONDS);
        }
        // Reports at about 0, 0.25, 0.75, 1.75 s after the first exit (plus start-up times; the doubling itself is
        // CrashLoopsTest's). The fourth provision comes 250 + 500 ms after the first at least: an instance that
        // runs 1 s ends the streak, but has taken longer than that itself.
        long first = provisions.get(0);
        assertThat(Duration.ofNanos(provisions.get(3) - first)).as("held back")
                .isGreaterThanOrEqualTo(CrashLoops.FIRST_DELAY.multipliedBy(3));
        assertThat(provisions.stream().filter(t -> t - first < window.toNanos()).count())
                .as("provisions in the first %s: a handful, not hundreds", window).isLessThanOrEqualTo(7);
    }

    @Test
    void onlyTheLogsOfTheLastFewGoneProcessesOfEachGroupAreKept() throws Exception {
        ProcessInstancePlugin p = plugin();
        List<String> g = new ArrayList<>();
        for (int i = 0; i < DeadLogs.KEEP + 3; i++) {
            g.add(p.provision(new InstanceSpec(null, Map.of(Tags.GROUP, "g"), "echo run " + i, null, null)));
            await("instance " + i + " gone", () -> p.describeInstances(Map.of(), false).isEmpty());
        }
        String other = p.provision(new InstanceSpec(null, Map.of(Tags.GROUP, "h"), "exec sleep 600", null, null));
        p.destroy(other, "terminate");

        List<String> kept = g.stream().filter(id -> Files.exists(p.logFile(id))).toList();
        assertThat(kept).as("the newest of group g").isEqualTo(g.subList(3, g.size()));
        assertThat(Files.readString(p.logFile(g.get(g.size() - 1)))).isEqualTo("run " + (g.size() - 1) + "\n");
        assertThat(p.logFile(other)).as("another group's log is its own business").exists();
        try (var files = Files.list(dir.resolve("state"))) {
            assertThat(files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".log")).count())
                    .isEqualTo(DeadLogs.KEEP + 1);
        }
    }

    @Test
    void propertiesOfTheWrongShapeAreRefused() {
        ProcessInstancePlugin p = plugin();
        assertThatThrownBy(() -> p.validate(Json.parse("{\"Env\":[1]}"))).hasMessageContaining("Properties.Env");
        assertThatThrownBy(() -> p.validate(Json.parse("{\"StopGrace\":\"soon\"}")))
                .hasMessageContaining("StopGrace");
        p.validate(null);
        p.validate(Json.parse("{\"Command\":\"x\",\"StopGrace\":\"1m\"}"));
    }

    @Test
    void procStatParsesCommandNamesWithSpacesAndParentheses() {
        String line = "4242 (my (odd) name) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 10";
        ProcStat stat = ProcStat.parse(4242, line);
        assertThat(stat).isEqualTo(new ProcStat(4242, 'S', 987654));
        assertThat(ProcStat.parse(1, "garbage")).isNull();
        assertThat(ProcStat.read(ProcessHandle.current().pid())).get().matches(ProcStat::running);
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
