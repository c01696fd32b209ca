package io.infrakit.bench.chaos;

import io.infrakit.bench.chaos.Invariants.Desired;
import io.infrakit.operator.controller.GroupReconciler;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.store.KeyValue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The groups the lab keeps the replicas busy with, as the harness wrote them: every spec put (for the invariants
 * and the lost-key check), and whether each group matches its spec now (in the plugin and in its status).
 */
final class LabGroups {

    /** Age past which a lost instance is a death of a machine that ran, not a quick exit. */
    static final Duration OUTLIVED = GroupReconciler.QUICK_EXIT.plusSeconds(3);

    private final LabCluster lab;
    final List<Desired> desired = new CopyOnWriteArrayList<>();
    private final Map<String, String> specs = new ConcurrentHashMap<>();
    private final Map<String, Long> revisions = new ConcurrentHashMap<>();
    private final Map<String, List<String>> logicalIds = new ConcurrentHashMap<>();

    LabGroups(LabCluster lab) {
        this.lab = lab;
    }

    void cattle(String id, int size) {
        put(id, "{\"ID\":\"" + id + "\",\"Properties\":{\"Allocation\":{\"Size\":" + size + "},"
                + "\"Instance\":{\"Plugin\":\"instance-lab\",\"Properties\":{\"Note\":\"lab\"}},"
                + "\"Flavor\":{\"Plugin\":\"vanilla\",\"Properties\":{\"Init\":[\"echo lab\"]}}}}", size, null);
    }

    void pets(String id, List<String> ids) {
        put(id, "{\"ID\":\"" + id + "\",\"Properties\":{\"Allocation\":{\"LogicalIDs\":[\"" + String.join("\",\"", ids)
                + "\"]},\"Instance\":{\"Plugin\":\"instance-lab\",\"Properties\":{}},"
                + "\"Flavor\":{\"Plugin\":\"vanilla\",\"Properties\":{\"Init\":[\"echo pet\"]}}}}", ids.size(), ids);
    }

    private void put(String id, String json, int size, List<String> ids) {
        String key = LabCluster.PREFIX + "/groups/" + id;
        long at = lab.now(); // before the write: the leader may act on it before put returns
        long rev;
        try {
            rev = lab.store.put(key, json);
        } catch (RuntimeException e) {
            // The answer was lost (a member restarting, a partition): the write may still have been made.
            rev = lab.store.get(key).filter(kv -> kv.value().equals(json)).map(KeyValue::modRevision)
                    .orElseThrow(() -> e);
        }
        desired.add(new Desired(at, id, size, ids != null));
        specs.put(id, json);
        revisions.put(id, rev);
        if (ids != null) {
            logicalIds.put(id, List.copyOf(ids));
        } else {
            logicalIds.remove(id);
        }
    }

    int size(String id) {
        Desired last = null;
        for (Desired d : desired) {
            if (d.group().equals(id)) {
                last = d;
            }
        }
        return last == null ? 0 : last.size();
    }

    List<String> ids() {
        return new ArrayList<>(specs.keySet());
    }

    /** Whether the group has exactly its instances in the plugin, and a converged status at its spec's revision. */
    boolean converged(String id) {
        List<InstanceDescription> now = lab.plugin.list(id);
        List<String> pets = logicalIds.get(id);
        if (pets != null) {
            TreeSet<String> seen = new TreeSet<>();
            for (InstanceDescription d : now) {
                if (!seen.add(String.valueOf(d.logicalId()))) {
                    return false;
                }
            }
            if (!seen.equals(new TreeSet<>(pets))) {
                return false;
            }
        } else if (now.size() != size(id)) {
            return false;
        }
        try {
            Optional<KeyValue> status = lab.store.get(LabCluster.PREFIX + "/status/" + id);
            return status.map(kv -> kv.value().contains("\"Converged\":true")
                    && kv.value().contains("\"SpecRevision\":" + revisions.get(id) + ",")).orElse(false);
        } catch (RuntimeException e) {
            return false;
        }
    }

    boolean allConverged() {
        return specs.keySet().stream().allMatch(this::converged);
    }

    /** Keys the harness wrote that etcd no longer holds as written, and groups without a status. */
    List<String> lostKeys() {
        List<String> lost = new ArrayList<>();
        for (Map.Entry<String, String> e : specs.entrySet()) {
            String key = LabCluster.PREFIX + "/groups/" + e.getKey();
            if (!lab.store.get(key).map(kv -> kv.value().equals(e.getValue())).orElse(false)) {
                lost.add(key + " (spec)");
            }
            if (lab.store.get(LabCluster.PREFIX + "/status/" + e.getKey()).isEmpty()) {
                lost.add(LabCluster.PREFIX + "/status/" + e.getKey() + " (status)");
            }
        }
        return lost;
    }

    /**
     * Removes the oldest instance of a group behind the operator's back, as a machine that ran and died; false when
     * none is old enough. Only instances that outlived the crash-loop brake's quick-exit window (with a margin for
     * the leader's own clock and a busy machine) are chosen: a machine gone right after its Provision is a crash
     * loop, whose replacement the operator rightly holds back, and the lab is about healing deaths, not braking loops.
     */
    boolean loseOne(String id) {
        return lab.plugin.list(id).stream().filter(d -> lab.plugin.age(d.id()) >= OUTLIVED.toMillis())
                .max(Comparator.comparingLong(d -> lab.plugin.age(d.id())))
                .map(d -> lab.plugin.lose(d.id())).orElse(false);
    }
}
