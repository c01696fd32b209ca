package io.infrakit.bench;

import io.infrakit.operator.controller.Controller;
import io.infrakit.operator.controller.ControllerConfig;
import io.infrakit.plugins.file.FileInstancePlugin;
import io.infrakit.plugins.group.Tags;
import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.process.ProcessInstancePlugin;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.spi.InstancePlugin;
import io.infrakit.store.Listing;
import io.infrakit.store.Store;
import io.infrakit.store.WatchEvent;
import io.infrakit.store.WatchListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
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

    /**
     * Put → first Provision, taken apart: the put's own round trip (etcd's commit, its WAL fsync), put → the watch
     * event reaching this process (a second watch on the prefix beside the controller's, on the same client), and
     * that event → the Provision call (the controller's own part: queue, reconcile, plan).
     */
    static void putToProvision(Options o) throws Exception {
        int n = o.integer("n", 300, 50);
        // Puts before the measured ones: the shipped settings compile a method after 2,000 calls, so a controller
        // that has been running for a while is measured with --warmup 1000 or so.
        int warmup = o.integer("warmup", 20, 20);
        Stats total = new Stats();
        Stats put = new Stats();
        Stats event = new Stats();
        Stats controller = new Stats();
        Map<String, Long> seen = new ConcurrentHashMap<>();
        CountDownLatch watching = new CountDownLatch(1);
        try (InProcess p = new InProcess(ControllerConfig.defaults(), Controller.ReconcileListener.NONE, null);
             Store.Watch ignored = p.store.watch(p.keys.groups(), 0, new WatchListener() {
                 @Override
                 public void onEvent(WatchEvent e) {
                     seen.putIfAbsent(e.key(), System.nanoTime());
                 }

                 @Override
                 public void onResync(Listing snapshot) {
                     watching.countDown(); // the watch is set up: puts from now on come as events
                 }
             })) {
            if (!watching.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the bench's watch did not start within 10 s");
            }
            for (int i = 0; i < n + warmup; i++) {
                p.timed.provisionStarts.clear();
                String key = p.keys.group("g" + i);
                long t0 = System.nanoTime();
                p.store.put(key, InProcess.spec("g" + i, 1, "memory"));
                long returned = System.nanoTime();
                Long t1 = p.timed.provisionStarts.poll(10, TimeUnit.SECONDS);
                if (t1 == null) {
                    throw new IllegalStateException("no Provision within 10 s");
                }
                // The two watches on the client are told one after the other: this one may hear of it last.
                long wait = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (!seen.containsKey(key) && System.nanoTime() < wait) {
                    Thread.sleep(1);
                }
                Long arrived = seen.get(key);
                if (arrived == null) {
                    throw new IllegalStateException("no watch event for " + key + " within 5 s");
                }
                if (i >= warmup) {
                    total.add((t1 - t0) / 1e6);
                    put.add((returned - t0) / 1e6);
                    event.add((arrived - t0) / 1e6);
                    controller.add((t1 - arrived) / 1e6);
                }
            }
        }
        System.out.println("spec put (raw etcd put) → first Provision: " + total.summary());
        System.out.println("  the put's round trip (etcd's commit): " + put.detail());
        System.out.println("  put → its watch event here: " + event.detail());
        System.out.println("  watch event → first Provision (the controller): " + controller.detail());
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
