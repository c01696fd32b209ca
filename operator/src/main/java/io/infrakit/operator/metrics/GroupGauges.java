package io.infrakit.operator.metrics;

import io.infrakit.operator.group.GroupStatus;
import io.infrakit.operator.group.UpdateProgress;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Per-group gauges: {@code infrakit_group_instances{group,kind=desired|observed}} (observed NaN while the plugin
 * cannot be asked), {@code infrakit_group_update_done/total{group}} and {@code infrakit_group_crash_loop_restarts}
 * (quick exits in a row while a crash loop's brake holds replacements back, else 0). A group's gauges go away with
 * its status (deleted or forgotten group).
 */
final class GroupGauges {

    /** An observed count nobody knows (the plugin could not be asked): the gauge reads NaN. */
    private static final long UNKNOWN = Long.MIN_VALUE;

    private final MeterRegistry registry;
    private final Map<String, Values> groups = new ConcurrentHashMap<>();

    GroupGauges(MeterRegistry registry) {
        this.registry = registry;
    }

    void update(String id, GroupStatus status) {
        if (status == null) {
            Values gone = groups.remove(id);
            if (gone != null) {
                gone.meters.forEach(registry::remove);
            }
            return;
        }
        Values v = groups.computeIfAbsent(id, this::register);
        v.desired.set(status.desired());
        v.observed.set(status.observed() == null ? UNKNOWN : status.observed());
        v.crashLoop.set(status.crashLoop() == null ? 0 : status.crashLoop().restarts());
        UpdateProgress u = status.update();
        v.updateDone.set(u == null ? 0 : u.done());
        v.updateTotal.set(u == null ? 0 : u.total());
    }

    void clear() {
        for (String id : List.copyOf(groups.keySet())) {
            update(id, null);
        }
    }

    private Values register(String id) {
        AtomicLong desired = new AtomicLong();
        AtomicLong observed = new AtomicLong();
        AtomicLong done = new AtomicLong();
        AtomicLong total = new AtomicLong();
        AtomicLong crashLoop = new AtomicLong();
        List<Meter> meters = List.of(
                gauge("infrakit_group_instances", "Instances of the group, as of its last reconcile", id, desired,
                        "desired"),
                gauge("infrakit_group_instances", "Instances of the group, as of its last reconcile", id, observed,
                        "observed"),
                gauge("infrakit_group_update_done", "Instances at the target config in the group's rolling update",
                        id, done, null),
                gauge("infrakit_group_update_total", "Instances the group's rolling update brings to the target",
                        id, total, null),
                gauge("infrakit_group_crash_loop_restarts", "Quick exits in a row while the group's replacements are"
                        + " held back as a crash loop (0: none)", id, crashLoop, null));
        return new Values(desired, observed, done, total, crashLoop, meters);
    }

    private Meter gauge(String name, String description, String group, AtomicLong value, String kind) {
        Gauge.Builder<AtomicLong> b = Gauge.builder(name, value, v -> v.get() == UNKNOWN ? Double.NaN : v.get())
                .strongReference(true)
                .description(description).tag("group", group);
        if (kind != null) {
            b.tag("kind", kind);
        }
        return b.register(registry);
    }

    private record Values(AtomicLong desired, AtomicLong observed, AtomicLong updateDone, AtomicLong updateTotal,
                          AtomicLong crashLoop, List<Meter> meters) {
    }
}
