package io.infrakit.bench;

import io.infrakit.operator.controller.Controller;
import io.infrakit.operator.controller.ControllerConfig;
import io.infrakit.operator.events.EventRecorder;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * G groups × I instances on one leader (in-memory plugin): heap after GC, idle CPU, the time of a full resync,
 * etcd writes during a resync that finds nothing to do, and etcd requests caused by one group's spec change.
 */
final class ResyncBench {

    private ResyncBench() {
    }

    static void run(Options o) throws Exception {
        String[] sizes = o.string("groups", o.quick() ? "10,100" : "10,100,1000").split(",");
        int instances = o.integer("instances", 100, 20);
        System.out.println("| groups | instances | heap after GC | idle CPU (resync every 10 s) | full resync | "
                + "etcd writes in a no-op resync | etcd requests per spec change |");
        System.out.println("|---|---|---|---|---|---|---|");
        String profile = o.string("profile", null);
        for (String g : sizes) {
            one(Integer.parseInt(g.strip()), instances, o.quick(), profile);
        }
    }

    /** CPU time per thread name prefix (digits stripped), to see who spends the idle CPU. */
    private static Map<String, Long> threadCpu() {
        var mx = ManagementFactory.getThreadMXBean();
        Map<String, Long> out = new java.util.HashMap<>();
        for (long id : mx.getAllThreadIds()) {
            var info = mx.getThreadInfo(id);
            long t = mx.getThreadCpuTime(id);
            if (info != null && t > 0) {
                out.merge(info.getThreadName().replaceAll("[0-9]+", "N"), t, Long::sum);
            }
        }
        return out;
    }

    private static void printTopThreads(Map<String, Long> before, Map<String, Long> after) {
        System.out.println("  idle CPU by thread:");
        after.entrySet().stream().map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(8)
                .forEach(e -> System.out.printf("    %8.0f ms  %s%n", e.getValue() / 1e6, e.getKey()));
    }

    private static void one(int groups, int instances, boolean quick, String profile) throws Exception {
        AtomicLong reconciles = new AtomicLong();
        Controller.ReconcileListener count = (id, outcome, nanos, error) -> reconciles.incrementAndGet();
        ControllerConfig config = ControllerConfig.defaults().withResync(Duration.ofSeconds(10));
        try (InProcess p = new InProcess(config, count, null)) {
            for (int i = 0; i < groups; i++) {
                p.store.put(p.keys.group("g" + i), InProcess.spec("g" + i, instances, "memory"));
            }
            LatencyBench.await(() -> p.memory.size() == groups * instances);
            Thread.sleep(1500); // let the last status writes and requeues settle
            // Full resync: every group once, nothing to do.
            long revBefore = p.store.put("/bench-probe", "a");
            long writesBefore = p.store.writes.sum();
            long before = reconciles.get();
            long t0 = System.nanoTime();
            p.controller.resync();
            LatencyBench.await(() -> reconciles.get() - before >= groups);
            long resyncNanos = System.nanoTime() - t0;
            if (profile != null && groups >= 1000) {
                // Ten more full resyncs under JFR: where a resync spends its time and what it allocates.
                Profile.around(java.nio.file.Path.of(profile), () -> {
                    for (int i = 0; i < 10; i++) {
                        long b = reconciles.get();
                        p.controller.resync();
                        LatencyBench.await(() -> reconciles.get() - b >= groups);
                    }
                    return null;
                });
            }
            long writes = p.store.writes.sum() - writesBefore;
            long revAfter = p.store.put("/bench-probe", "b");
            // Idle: CPU of this process over a window that contains one periodic resync.
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            Thread.sleep(quick ? 2_000 : 10_000); // settle: JIT and GC after the setup
            Map<String, Long> threads0 = threadCpu();
            long cpu0 = os.getProcessCpuTime();
            long w0 = System.nanoTime();
            Thread.sleep(quick ? 5_000 : 20_000);
            double idle = 100.0 * (os.getProcessCpuTime() - cpu0) / (System.nanoTime() - w0);
            if (groups >= 1000) {
                printTopThreads(threads0, threadCpu());
            }
            // One spec change: requests the controller makes for it (the put itself not counted).
            long reqBefore = p.store.requests();
            long writesBeforeChange = p.store.writes.sum();
            long recBefore = reconciles.get();
            p.store.put(p.keys.group("g0"), InProcess.spec("g0", instances + 1, "memory"));
            LatencyBench.await(() -> p.memory.size() == groups * instances + 1);
            LatencyBench.await(() -> reconciles.get() - recBefore >= 2);
            // The events log is written in batches, one per interval: wait for the change's batch too.
            Thread.sleep(500 + 2 * EventRecorder.INTERVAL.toMillis());
            long perChange = p.store.requests() - reqBefore - 1;
            long writesPerChange = p.store.writes.sum() - writesBeforeChange - 1;
            System.gc();
            Thread.sleep(200);
            System.gc();
            long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            System.out.printf("| %d | %d | %.0f MB | %.2f %% of a core | %.0f ms | %d (revision %d → %d) | %d (%d "
                    + "writes) |%n", groups, groups * instances, heap / 1e6, idle, resyncNanos / 1e6, writes, revBefore,
                    revAfter, perChange, writesPerChange);
            System.out.printf("  (%d groups: RSS of this process %.0f MB, the in-memory plugin's instances "
                    + "included; max heap %.0f MB)%n", groups,
                    FootprintBench.Proc.rssKb(ProcessHandle.current().pid()) / 1024.0,
                    Runtime.getRuntime().maxMemory() / 1048576.0);
        }
    }
}
