package io.infrakit.operator.write;

import io.infrakit.operator.group.SyncAnnotations;
import io.infrakit.plugins.json.Json;
import io.infrakit.store.KeyValue;
import java.util.Map;

/**
 * A group's spec key as read: its value and mod revision (the compare-and-set guard of a write based on this
 * read), and the sync source that owns it ({@code infrakit.sync/source}; null when written by hand).
 */
public record StoredSpec(String id, String value, long modRevision, Map<String, String> syncAnnotations) {

    public StoredSpec {
        syncAnnotations = Map.copyOf(syncAnnotations);
    }

    public static StoredSpec of(String id, KeyValue kv) {
        return new StoredSpec(id, kv.value(), kv.modRevision(), syncAnnotations(kv.value()));
    }

    public String owner() {
        return syncAnnotations.get(SyncAnnotations.SOURCE);
    }

    /** The file of the owner's source the spec came from, if sync said. */
    public String ownerPath() {
        return syncAnnotations.get(SyncAnnotations.PATH);
    }

    /** Sync's own annotations ({@code infrakit.sync/*}) of a stored value; none when it is not a spec at all. */
    private static Map<String, String> syncAnnotations(String value) {
        try {
            return SyncAnnotations.own(SyncAnnotations.read(Json.parse(value)), true);
        } catch (IllegalArgumentException e) {
            return Map.of();
        }
    }
}
