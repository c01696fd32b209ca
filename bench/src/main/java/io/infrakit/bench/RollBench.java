package io.infrakit.bench;

import io.infrakit.operator.controller.Controller;
import io.infrakit.operator.controller.ControllerConfig;
import io.infrakit.operator.group.GroupStatus;
import io.infrakit.operator.group.UpdateState;
import java.util.concurrent.atomic.LongAdder;

/**
 * A rolling update of 100 instances, one at a time, with the always-healthy vanilla flavor and the in-memory
 * plugin: how long it takes, and how much of it the controller spends reconciling (the rest is the requeue delay
 * between a batch and its health check).
 */
final class RollBench {

    private RollBench() {
    }

    static void run(Options o) throws Exception {
        int n = o.integer("instances", 100, 20);
        LongAdder reconcileNanos = new LongAdder();
        Controller.ReconcileListener l = (id, outcome, nanos, error) -> reconcileNanos.add(nanos);
        try (InProcess p = new InProcess(ControllerConfig.defaults(), l, null)) {
            p.store.put(p.keys.group("web"), InProcess.spec("web", n, "memory"));
            LatencyBench.await(() -> p.memory.size() == n);
            Thread.sleep(500);
            reconcileNanos.reset();
            p.timed.insideNanos.reset();
            long t0 = System.nanoTime();
            p.store.put(p.keys.group("web"), InProcess.spec("web", n, "memory").replace("echo hi", "echo v2"));
            LatencyBench.await(() -> p.store.get(p.keys.status("web")).flatMap(kv -> GroupStatus.fromJson(kv.value()))
                    .map(s -> s.update() != null && s.update().state() == UpdateState.DONE).orElse(false));
            double wall = (System.nanoTime() - t0) / 1e6;
            System.out.printf("rolling update of %d instances, one at a time: %.0f ms; reconciling %.0f ms (%.1f %%),"
                    + " inside the plugin %.0f ms%n", n, wall, reconcileNanos.sum() / 1e6,
                    100 * reconcileNanos.sum() / 1e6 / wall, p.timed.insideNanos.sum() / 1e6);
        }
    }
}
