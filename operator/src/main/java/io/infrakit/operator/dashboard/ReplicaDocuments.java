package io.infrakit.operator.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.infrakit.store.KeyValue;
import io.infrakit.store.LeaseTtl;
import io.infrakit.store.Store;
import io.infrakit.store.StoreException;
import io.infrakit.store.election.Candidate;
import java.util.List;
import java.util.Optional;

/**
 * The replicas as the election has them: the leader (the oldest key), the standbys, what each says of itself (its
 * identity: ID, host, version, since when, warnings; passed on as stored) and what etcd says is left of its lease.
 */
final class ReplicaDocuments {

    private final ClusterView view;
    private final Store store;
    private final String self;

    /** @param self this replica's ID (the page says which replica serves it) */
    ReplicaDocuments(ClusterView view, Store store, String self) {
        this.view = view;
        this.store = store;
        this.self = self;
    }

    /** Asks etcd about each lease: call it off the watch's thread. */
    ObjectNode document() {
        ObjectNode out = JsonNodeFactory.instance.objectNode().put("Self", self);
        ArrayNode list = out.putArray("Replicas");
        List<KeyValue> keys = view.candidates();
        for (int i = 0; i < keys.size(); i++) {
            KeyValue kv = keys.get(i);
            Candidate c = new Candidate(kv.key(), kv.value(), kv.createRevision());
            JsonNode identity = GroupDocuments.parseOrNull(kv.value());
            if (identity == null || !identity.isObject()) {
                identity = JsonNodeFactory.instance.objectNode().put("ID", kv.value());
            }
            ObjectNode r = list.addObject().put("Role", i == 0 ? "leader" : "standby");
            r.set("Identity", identity);
            r.put("Key", kv.key()).put("CreateRevision", kv.createRevision())
                    .put("Lease", Long.toHexString(c.leaseId()));
            r.put("Self", self.equals(identity.path("ID").asText(null)));
            try {
                Optional<LeaseTtl> ttl = store.leaseTtl(c.leaseId());
                if (ttl.isPresent()) {
                    r.put("LeaseGranted", ttl.get().grantedSeconds()).put("LeaseRemaining",
                            ttl.get().remainingSeconds());
                } else {
                    r.put("LeaseError", "expired");
                }
            } catch (StoreException e) {
                r.put("LeaseError", e.getMessage());
            }
        }
        return out;
    }
}
