package io.infrakit.operator.write;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.operator.Keys;
import io.infrakit.operator.election.LeaderTerm;
import io.infrakit.operator.election.LostLeadershipException;
import io.infrakit.plugins.json.Json;
import io.infrakit.store.KeyValue;
import io.infrakit.store.Op;
import io.infrakit.store.Store;
import io.infrakit.store.Txn;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last few specs of each group, at {@code <prefix>/history/<ID>}, so a rollback commits exactly the previous
 * spec even after etcd compacted its revisions. Written by the leader (fenced) when it first acts on a revision.
 */
public final class SpecHistory {

    /** How many specs are kept per group. */
    public static final int KEEP = 5;

    /** One remembered spec. */
    public record Entry(@JsonProperty("Revision") long revision, @JsonProperty("ConfigSHA") String configSha,
                        @JsonProperty("Spec") JsonNode spec) {
    }

    private static final TypeReference<List<Entry>> LIST = new TypeReference<>() { };

    private final Store store;
    private final Keys keys;
    private final Map<String, List<Entry>> cache = new ConcurrentHashMap<>();

    public SpecHistory(Store store, Keys keys) {
        this.store = store;
        this.keys = keys;
    }

    public List<Entry> entries(String id) {
        return cache.computeIfAbsent(id, k -> read(store, keys, k));
    }

    public boolean has(String id, long revision) {
        return entries(id).stream().anyMatch(e -> e.revision() == revision);
    }

    /** Remembers the spec at this revision, once. */
    public void record(String id, long revision, String configSha, JsonNode spec, LeaderTerm term) {
        if (has(id, revision)) {
            return;
        }
        List<Entry> now = entries(id);
        List<Entry> next = new ArrayList<>(now);
        next.add(new Entry(revision, configSha, spec));
        next.sort((a, b) -> Long.compare(a.revision(), b.revision()));
        while (next.size() > KEEP) {
            next.remove(0);
        }
        Txn txn = term.fence(Txn.builder().then(Op.put(keys.history(id), Json.write(next))).build());
        if (!store.commit(txn).succeeded()) {
            throw new LostLeadershipException("history write for " + id + " refused: no longer the leader");
        }
        cache.put(id, List.copyOf(next));
    }

    /** The newest spec before {@code revision} whose config differs from {@code configSha}. */
    public static Optional<Entry> previous(List<Entry> entries, long revision, String configSha) {
        Entry found = null;
        for (Entry e : entries) {
            if (e.revision() < revision && !e.configSha().equals(configSha)) {
                found = e;
            }
        }
        return Optional.ofNullable(found);
    }

    public void forget(String id) {
        cache.remove(id);
    }

    public void clear() {
        cache.clear();
    }

    public static List<Entry> read(Store store, Keys keys, String id) {
        Optional<KeyValue> kv = store.get(keys.history(id));
        if (kv.isEmpty()) {
            return List.of();
        }
        try {
            return List.copyOf(Json.mapper().readValue(kv.get().value(), LIST));
        } catch (Exception e) {
            return List.of();
        }
    }
}
