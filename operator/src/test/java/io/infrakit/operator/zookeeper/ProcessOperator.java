package io.infrakit.operator.zookeeper;

import static org.awaitility.Awaitility.await;

import io.infrakit.operator.Keys;
import io.infrakit.operator.controller.Controller;
import io.infrakit.operator.controller.ControllerConfig;
import io.infrakit.operator.election.LeaderTerm;
import io.infrakit.operator.group.GroupStatus;
import io.infrakit.plugins.PluginRegistry;
import io.infrakit.plugins.group.Tags;
import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.process.ProcessInstancePlugin;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.spi.PluginName;
import io.infrakit.store.Store;
import io.infrakit.store.testing.EtcdCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * One operator (an in-process controller on a real etcd) with the built-ins, the process plugin on a test's
 * directory. Closing it stops the controller and kills every process it made, also when a test failed; a shutdown
 * hook does the same if the test JVM is stopped.
 */
public final class ProcessOperator implements AutoCloseable {

    final Keys keys;
    final Store store;
    final Path processDir;
    private final ControllerConfig config;
    private final Thread killer;
    private PluginRegistry plugins;
    private Controller controller;

    ProcessOperator(EtcdCluster etcd, String name, Path dir, ControllerConfig config) {
        this.keys = new Keys(EtcdCluster.uniquePrefix(name));
        this.store = etcd.newStore();
        this.processDir = dir.resolve("processes");
        this.config = config;
        this.killer = new Thread(() -> killAll(processDir), "kill test processes");
        Runtime.getRuntime().addShutdownHook(killer);
    }

    ProcessOperator start() {
        plugins = PluginRegistry.builtins(processDir.resolveSibling("files"), processDir);
        controller = new Controller(store, keys, plugins, config);
        controller.start();
        await("spec cache synced").atMost(Duration.ofSeconds(10)).until(controller::isSynced);
        controller.lead(LeaderTerm.standalone());
        return this;
    }

    /** A new controller and a new process plugin on the same directory: what an operator restart is. */
    void restart() {
        stopController();
        start();
    }

    ProcessInstancePlugin processes() {
        return (ProcessInstancePlugin) plugins.instance(PluginName.parse(PluginRegistry.PROCESS_ALIAS));
    }

    void put(String id, String json) {
        store.put(keys.group(id), json);
    }

    List<InstanceDescription> instances(String group) {
        return processes().describeInstances(Map.of(Tags.GROUP, group), false);
    }

    /** The pid the process plugin recorded for an instance. */
    long pid(String instanceId) {
        return processes().describeInstances(Map.of(), true).stream().filter(d -> d.id().equals(instanceId))
                .findFirst().orElseThrow(() -> new AssertionError("no instance " + instanceId))
                .properties().get("Pid").asLong();
    }

    Optional<GroupStatus> status(String id) {
        return store.get(keys.status(id)).flatMap(kv -> GroupStatus.fromJson(kv.value()));
    }

    GroupStatus awaitStatus(String id, Duration timeout, Predicate<GroupStatus> condition, String what) {
        return await(what).atMost(timeout).until(() -> status(id).filter(condition).orElse(null), Objects::nonNull);
    }

    private void stopController() {
        if (controller != null) {
            controller.close();
            controller = null;
        }
        if (plugins != null) {
            processes().close();
        }
    }

    @Override
    public void close() {
        try {
            stopController();
        } finally {
            killAll(processDir);
            try {
                Runtime.getRuntime().removeShutdownHook(killer);
            } catch (IllegalStateException e) {
                // shutting down already: the hook runs
            }
        }
    }

    /** Field 22 of /proc/<pid>/stat, or -1: a recycled pid is somebody else's process. */
    static long startTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(rest[19]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** SIGKILL to the process group of every instance that has a state file. */
    public static void killAll(Path stateDir) {
        if (!Files.isDirectory(stateDir)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(stateDir, "*.json")) {
            for (Path f : files) {
                var state = Json.parse(Files.readAllBytes(f));
                long pid = state.path("Pid").asLong(-1);
                if (pid > 1 && startTicks(pid) == state.path("StartTicks").asLong(-2)) {
                    new ProcessBuilder("kill", "-KILL", "--", "-" + pid).start().waitFor();
                    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
