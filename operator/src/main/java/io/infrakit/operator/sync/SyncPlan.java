package io.infrakit.operator.sync;

import java.util.List;
import java.util.Map;

/**
 * The difference between a source and etcd, group by group (sorted by ID), with the ownership record sync keeps
 * once the plan is applied ({@code inventory}). Groups already in sync are only counted.
 */
public record SyncPlan(List<GroupChange> changes, List<String> unchanged, Map<String, SyncRecord.Owned> inventory) {

    public SyncPlan {
        changes = List.copyOf(changes);
        unchanged = List.copyOf(unchanged);
        inventory = Map.copyOf(inventory);
    }

    public List<GroupChange> writes() {
        return changes.stream().filter(GroupChange::writes).toList();
    }

    public List<GroupChange> of(GroupChange.Kind kind) {
        return changes.stream().filter(c -> c.kind() == kind).toList();
    }

    /** Whether etcd holds exactly what the source says: nothing to write, no drift, no orphan. */
    public boolean inSync() {
        return changes.isEmpty();
    }
}
