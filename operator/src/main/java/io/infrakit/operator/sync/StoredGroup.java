package io.infrakit.operator.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.infrakit.operator.group.SyncAnnotations;
import io.infrakit.plugins.group.GroupSpecs;
import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.spi.GroupSpec;
import java.util.Map;

/**
 * A spec key as etcd holds it, read for comparison: its content (null when the value is not a spec at all) and
 * sync's annotations, whose {@code infrakit.sync/source} names the owner (null: written by hand).
 */
record StoredGroup(String id, String key, long modRevision, ObjectNode content, Map<String, String> sync,
                   String invalid) {

    static StoredGroup of(String id, String key, String value, long modRevision) {
        try {
            JsonNode doc = Json.parse(value);
            GroupSpec spec = GroupSpecs.parse(value);
            Map<String, String> all = SyncAnnotations.read(doc);
            return new StoredGroup(id, key, modRevision,
                    SyncAnnotations.content(spec, SyncAnnotations.own(all, false)), SyncAnnotations.own(all, true),
                    null);
        } catch (IllegalArgumentException e) { // SpecFormatException and JsonFormatException among them
            return new StoredGroup(id, key, modRevision, null, Map.of(), e.getMessage());
        }
    }

    String owner() {
        return sync.get(SyncAnnotations.SOURCE);
    }

    String path() {
        return sync.get(SyncAnnotations.PATH);
    }
}
