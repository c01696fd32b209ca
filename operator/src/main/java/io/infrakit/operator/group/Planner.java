package io.infrakit.operator.group;

import io.infrakit.plugins.group.Tags;
import io.infrakit.plugins.spi.Allocation;
import io.infrakit.plugins.spi.InstanceDescription;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The pure core of a reconcile: from what a group should be (allocation, config hash) and what its instance plugin
 * reports, decide what to create and destroy. No I/O, so every case is a unit test.
 */
public final class Planner {

    private static final Comparator<InstanceDescription> BY_ID = Comparator.comparing(InstanceDescription::id);

    private Planner() {
    }

    public static Plan plan(Allocation allocation, String configHash, List<InstanceDescription> observed) {
        return plan(allocation, configHash, observed, Integer.MAX_VALUE);
    }

    /**
     * The plan, with at most {@code maxCreates} creates: a group grows batch by batch (the next pass plans the
     * next), so no Size makes a plan, or the memory it takes, larger than that.
     */
    public static Plan plan(Allocation allocation, String configHash, List<InstanceDescription> observed,
                            int maxCreates) {
        Plan p = allocation.isPets() ? pets(allocation.logicalIds(), configHash, observed)
                : cattle(allocation.size(), configHash, observed, maxCreates);
        return p.creates().size() <= maxCreates ? p
                : new Plan(p.creates().subList(0, maxCreates), p.destroys(), p.outOfDate());
    }

    /** Cattle: exactly {@code size} instances. Scaling down removes out-of-date instances first, then by ID. */
    static Plan cattle(long size, String configHash, List<InstanceDescription> observed) {
        return cattle(size, configHash, observed, Integer.MAX_VALUE);
    }

    private static Plan cattle(long size, String configHash, List<InstanceDescription> observed, int maxCreates) {
        List<Plan.Create> creates = new ArrayList<>();
        List<Plan.Destroy> destroys = new ArrayList<>();
        for (long i = observed.size(); i < size && creates.size() < maxCreates; i++) {
            creates.add(new Plan.Create(null));
        }
        long extra = observed.size() - size;
        if (extra > 0) {
            List<InstanceDescription> victims = new ArrayList<>(observed);
            victims.sort(Comparator.comparing((InstanceDescription d) -> isCurrent(d, configHash)).thenComparing(BY_ID));
            for (int i = 0; i < extra; i++) {
                destroys.add(new Plan.Destroy(victims.get(i), "scale down to " + size));
            }
        }
        int outOfDate = 0;
        Set<InstanceDescription> leaving = new java.util.HashSet<>();
        destroys.forEach(d -> leaving.add(d.instance()));
        for (InstanceDescription d : observed) {
            if (!leaving.contains(d) && !isCurrent(d, configHash)) {
                outOfDate++;
            }
        }
        return new Plan(creates, destroys, outOfDate);
    }

    /**
     * Pets: one instance per logical ID. Instances of no listed logical ID are destroyed; of duplicates, the one at
     * the current config (else the lowest ID) stays.
     */
    static Plan pets(List<String> logicalIds, String configHash, List<InstanceDescription> observed) {
        Map<String, List<InstanceDescription>> byLogicalId = new LinkedHashMap<>();
        List<Plan.Destroy> destroys = new ArrayList<>();
        Set<String> wanted = new LinkedHashSet<>(logicalIds);
        List<InstanceDescription> sorted = new ArrayList<>(observed);
        sorted.sort(BY_ID);
        for (InstanceDescription d : sorted) {
            String lid = logicalId(d);
            if (lid == null || !wanted.contains(lid)) {
                destroys.add(new Plan.Destroy(d, lid == null ? "no logical ID" : "logical ID " + lid + " not in spec"));
            } else {
                byLogicalId.computeIfAbsent(lid, k -> new ArrayList<>()).add(d);
            }
        }
        List<Plan.Create> creates = new ArrayList<>();
        int outOfDate = 0;
        for (String lid : wanted) {
            List<InstanceDescription> members = byLogicalId.get(lid);
            if (members == null) {
                creates.add(new Plan.Create(lid));
                continue;
            }
            InstanceDescription keep = members.stream().filter(d -> isCurrent(d, configHash)).findFirst()
                    .orElse(members.get(0));
            for (InstanceDescription d : members) {
                if (d != keep) {
                    destroys.add(new Plan.Destroy(d, "duplicate of logical ID " + lid));
                }
            }
            if (!isCurrent(keep, configHash)) {
                outOfDate++;
            }
        }
        return new Plan(creates, destroys, outOfDate);
    }

    /** The logical ID an instance reports, or the one its tag carries (for plugins that only keep tags). */
    public static String logicalId(InstanceDescription d) {
        if (d.logicalId() != null && !d.logicalId().isEmpty()) {
            return d.logicalId();
        }
        return d.tag(Tags.LOGICAL_ID);
    }

    /** The config hash an instance was made from, under either of InfraKit's tag names. */
    public static String configHash(InstanceDescription d) {
        String hash = d.tag(Tags.CONFIG_SHA);
        return hash != null ? hash : d.tag(Tags.CONFIG_HASH_LATER);
    }

    public static boolean isCurrent(InstanceDescription d, String configHash) {
        return configHash.equals(configHash(d));
    }

    /** Instances made out of band and tagged for adoption ({@code infrakit.config_sha=bootstrap}). */
    public static List<InstanceDescription> toAdopt(List<InstanceDescription> observed) {
        return observed.stream().filter(d -> Tags.BOOTSTRAP.equals(configHash(d))).toList();
    }
}
