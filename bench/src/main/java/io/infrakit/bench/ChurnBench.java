package io.infrakit.bench;

import io.infrakit.operator.Keys;
import io.infrakit.operator.controller.Controller;
import io.infrakit.operator.controller.ControllerConfig;
import io.infrakit.operator.group.GroupStatus;
import io.infrakit.store.Listing;
import io.infrakit.store.Store;
import io.infrakit.store.WatchEvent;
import io.infrakit.store.WatchListener;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Load generator for etcd churn: spec updates at a fixed rate spread over many groups (each update flips a group's
 * size), and the reconcile lag they see: from the put to the status that reflects that spec revision, observed
 * through a watch on the status keys.
 */
final class ChurnBench {

    private ChurnBench() {
    }

    private record Pending(long revision, long putNanos) {
    }

    /** The newest spec revision a group's status reflected, and when the watch saw it. */
    private record Seen(long specRevision, long nanos) {
    }

    /** Records the lag of a group's pending put once its status reflects that revision. */
    private static void resolve(String id, Map<String, Pending> pending, Map<String, Seen> seen, Stats lag) {
        Pending want = pending.get(id);
        Seen at = seen.get(id);
        if (want != null && at != null && at.specRevision() >= want.revision() && pending.remove(id, want)) {
            synchronized (lag) {
                lag.add(Math.max(0, at.nanos() - want.putNanos()) / 1e6);
            }
        }
    }

    static void run(Options o) throws Exception {
        int groups = o.integer("groups", 200, 50);
        int rate = o.integer("rate", 200, 100);
        int seconds = o.integer("seconds", 30, 10);
        Stats lag = new Stats();
        Map<String, Pending> pending = new ConcurrentHashMap<>();
        Map<String, Seen> seen = new ConcurrentHashMap<>();
        try (InProcess p = new InProcess(ControllerConfig.defaults(), Controller.ReconcileListener.NONE, null)) {
            for (int i = 0; i < groups; i++) {
                p.store.put(p.keys.group("c" + i), InProcess.spec("c" + i, 2, "memory"));
            }
            LatencyBench.await(() -> p.memory.size() == groups * 2);
            Store.Watch watch = p.store.watch(p.keys.statuses(), 0, new WatchListener() {
                @Override
                public void onEvent(WatchEvent event) {
                    String id = Keys.idUnder(p.keys.statuses(), event.key());
                    GroupStatus s = id == null || event.type() != WatchEvent.Type.PUT ? null
                            : GroupStatus.fromJson(event.kv().value()).orElse(null);
                    if (s != null) {
                        seen.merge(id, new Seen(s.specRevision(), System.nanoTime()),
                                (a, b) -> a.specRevision() >= b.specRevision() ? a : b);
                        resolve(id, pending, seen, lag);
                    }
                }

                @Override
                public void onResync(Listing snapshot) {
                }
            });
            long interval = TimeUnit.SECONDS.toNanos(1) / rate;
            long next = System.nanoTime();
            long end = next + TimeUnit.SECONDS.toNanos(seconds);
            int sent = 0;
            while (System.nanoTime() < end) {
                String id = "c" + ThreadLocalRandom.current().nextInt(groups);
                long size = 2 + ThreadLocalRandom.current().nextInt(2);
                long t = System.nanoTime();
                long rev = p.store.put(p.keys.group(id), InProcess.spec(id, size, "memory"));
                pending.put(id, new Pending(rev, t)); // a newer put of the same group supersedes the older one
                resolve(id, pending, seen, lag); // the status may have been seen before this line ran
                sent++;
                next += interval;
                long sleep = next - System.nanoTime();
                if (sleep > 0) {
                    TimeUnit.NANOSECONDS.sleep(sleep);
                }
            }
            LatencyBench.await(pending::isEmpty);
            watch.close();
            System.out.printf("churn: %d spec updates at %d/s over %d groups for %d s (%.0f/s achieved)%n", sent,
                    rate, groups, seconds, sent / (double) seconds);
            synchronized (lag) {
                System.out.println("reconcile lag (put → status at that revision): " + lag.summary());
            }
        }
    }
}
