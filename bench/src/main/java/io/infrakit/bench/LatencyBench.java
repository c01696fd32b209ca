package io.infrakit.bench;

import io.infrakit.operator.controller.Controller;
import io.infrakit.operator.controller.ControllerConfig;
import io.infrakit.plugins.file.FileInstancePlugin;
import io.infrakit.plugins.group.Tags;
import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.process.ProcessInstancePlugin;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.spi.InstancePlugin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Latencies users feel: a raw etcd put of a new spec → the first Provision call; an instance that vanished → its
 * replacement's Provision (with the in-memory plugin, which notifies the controller, and with the file plugin,
 * whose directory watcher does).
 */
final class LatencyBench {

    private LatencyBench() {
    }

    static void putToProvision(Options o) throws Exception {
        int n = o.integer("n", 300, 50);
        Stats stats = new Stats();
        try (InProcess p = new InProcess(ControllerConfig.defaults(), Controller.ReconcileListener.NONE, null)) {
            for (int i = 0; i < n + 20; i++) {
                p.timed.provisionStarts.clear();
                long t0 = System.nanoTime();
                p.store.put(p.keys.group("g" + i), InProcess.spec("g" + i, 1, "memory"));
                Long t1 = p.timed.provisionStarts.poll(10, TimeUnit.SECONDS);
                if (t1 == null) {
                    throw new IllegalStateException("no Provision within 10 s");
                }
                if (i >= 20) { // the first ones warm the JIT
                    stats.add((t1 - t0) / 1e6);
                }
            }
        }
        System.out.println("spec put (raw etcd put) → first Provision: " + stats.summary());
    }

    static void heal(Options o) throws Exception {
        int n = o.integer("n", 200, 30);
        Stats memory = new Stats();
        try (InProcess p = new InProcess(ControllerConfig.defaults(), Controller.ReconcileListener.NONE, null)) {
            p.store.put(p.keys.group("web"), InProcess.spec("web", 10, "memory"));
            await(() -> p.memory.size() == 10);
            for (int i = 0; i < n; i++) {
                Thread.sleep(20);
                List<InstanceDescription> now = p.memory.describeInstances(Map.of(Tags.GROUP, "web"), false);
                p.timed.provisionStarts.clear();
                long t0 = System.nanoTime();
                p.memory.lose(now.get(ThreadLocalRandom.current().nextInt(now.size())).id());
                Long t1 = p.timed.provisionStarts.poll(15, TimeUnit.SECONDS);
                memory.add((t1 - t0) / 1e6);
            }
        }
        System.out.println("instance lost (in-memory plugin, event) → replacement Provision: " + memory.summary());
        Stats files = new Stats();
        Path dir = Files.createTempDirectory("bench-files");
        InstancePlugin driver = new FileInstancePlugin(dir);
        try (InProcess p = new InProcess(ControllerConfig.defaults(), Controller.ReconcileListener.NONE, driver)) {
            p.store.put(p.keys.group("web"), InProcess.spec("web", 10, "memory"));
            await(() -> driver.describeInstances(Map.of(Tags.GROUP, "web"), false).size() == 10);
            for (int i = 0; i < Math.min(n, 100); i++) {
                Thread.sleep(50);
                List<InstanceDescription> now = driver.describeInstances(Map.of(Tags.GROUP, "web"), false);
                p.timed.provisionStarts.clear();
                long t0 = System.nanoTime();
                Files.delete(dir.resolve(now.get(ThreadLocalRandom.current().nextInt(now.size())).id()));
                Long t1 = p.timed.provisionStarts.poll(15, TimeUnit.SECONDS);
                files.add((t1 - t0) / 1e6);
            }
        } finally {
            TempDirs.deleteTree(dir);
        }
        System.out.println("instance file deleted (file plugin, directory watch) → replacement Provision: "
                + files.summary());
        System.out.println("process killed (process plugin, exit event) → replacement Provision: "
                + processes(Math.min(n, 50)).summary());
    }

    /** The process plugin: kill -9 of an instance's process → the replacement's Provision. */
    private static Stats processes(int n) throws Exception {
        Stats stats = new Stats();
        Path dir = Files.createTempDirectory("bench-processes");
        ProcessInstancePlugin driver = new ProcessInstancePlugin(dir);
        String spec = InProcess.spec("web", 5, "memory").replace("\"Properties\":{}}", "\"Properties\":"
                + "{\"Command\":\"exec sleep 3600\",\"StopGrace\":\"1s\"}}");
        try (InProcess p = new InProcess(ControllerConfig.defaults(), Controller.ReconcileListener.NONE, driver)) {
            p.store.put(p.keys.group("web"), spec);
            await(() -> driver.describeInstances(Map.of(Tags.GROUP, "web"), false).size() == 5);
            for (int i = 0; i < n; i++) {
                Thread.sleep(1200); // past the plugin's crash-loop window: each kill is reported at once
                List<InstanceDescription> now = driver.describeInstances(Map.of(Tags.GROUP, "web"), false);
                String id = now.get(ThreadLocalRandom.current().nextInt(now.size())).id();
                long pid = Json.parse(Files.readString(dir.resolve(id + ".json"))).path("Pid").asLong();
                p.timed.provisionStarts.clear();
                long t0 = System.nanoTime();
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                Long t1 = p.timed.provisionStarts.poll(15, TimeUnit.SECONDS);
                stats.add((t1 - t0) / 1e6);
            }
            p.store.delete(p.keys.group("web"));
            await(() -> driver.describeInstances(Map.of(Tags.GROUP, "web"), false).isEmpty());
        } finally {
            TempDirs.deleteTree(dir);
        }
        return stats;
    }

    static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out");
            }
            Thread.sleep(2);
        }
    }
}
