package io.infrakit.bench;

import io.infrakit.operator.controller.Controller;
import io.infrakit.operator.controller.ControllerConfig;
import io.infrakit.plugins.file.FileInstancePlugin;
import io.infrakit.plugins.group.Tags;
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
            try (var paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
        System.out.println("instance file deleted (file plugin, directory watch) → replacement Provision: "
                + files.summary());
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
