package io.infrakit.bench;

import io.infrakit.operator.controller.Controller;
import io.infrakit.operator.controller.ControllerConfig;

/**
 * One group scaled from 0 to N instances with the in-memory plugin: wall time from the spec put to the last
 * instance, and the controller's overhead per instance (wall time minus time inside the plugin, per instance, as
 * the plugin calls run {@code --max-parallel} at a time this is an upper bound of the work per instance).
 */
final class ScaleBench {

    private ScaleBench() {
    }

    static void run(Options o) throws Exception {
        int n = o.integer("instances", 10_000, 2_000);
        int rounds = o.integer("rounds", 3, 1);
        Stats perInstance = new Stats();
        for (int r = 0; r < rounds; r++) {
            try (InProcess p = new InProcess(ControllerConfig.defaults(), Controller.ReconcileListener.NONE, null)) {
                p.store.put(p.keys.group("warm"), InProcess.spec("warm", 500, "memory"));
                LatencyBench.await(() -> p.memory.size() == 500);
                p.store.put(p.keys.group("warm"), InProcess.spec("warm", 0, "memory"));
                LatencyBench.await(() -> p.memory.size() == 0);
                p.timed.insideNanos.reset();
                long t0 = System.nanoTime();
                p.store.put(p.keys.group("big"), InProcess.spec("big", n, "memory"));
                LatencyBench.await(() -> p.memory.size() == n);
                long wall = System.nanoTime() - t0;
                double plugin = p.timed.insideNanos.sum();
                System.out.printf("scale 0 → %d: %.0f ms wall, %.1f µs wall per instance, %.1f ms inside the plugin"
                        + " (summed over threads)%n", n, wall / 1e6, wall / 1e3 / n, plugin / 1e6);
                perInstance.add(wall / 1e3 / n / 1000.0); // Stats keeps ms; this is µs/1000
            }
        }
        System.out.printf("controller overhead per instance (wall / n), median of %d: %.1f µs%n", rounds,
                perInstance.percentile(50) * 1000);
    }
}
