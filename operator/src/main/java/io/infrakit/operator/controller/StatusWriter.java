package io.infrakit.operator.controller;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.infrakit.operator.Keys;
import io.infrakit.operator.election.LeaderTerm;
import io.infrakit.operator.election.LostLeadershipException;
import io.infrakit.operator.group.GroupStatus;
import io.infrakit.plugins.json.Json;
import io.infrakit.store.KeyValue;
import io.infrakit.store.Op;
import io.infrakit.store.Store;
import io.infrakit.store.Txn;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes group status to etcd, only when it changed, always fenced on the leader's term. Keeps what it last wrote
 * (or read) per group, so a resync that changes nothing costs no etcd request.
 */
public final class StatusWriter {

    private static final ObjectMapper MAPPER = Json.mapper();

    private final Store store;
    private final Keys keys;
    private final Clock clock;
    private final Map<String, GroupStatus> written = new ConcurrentHashMap<>();

    public StatusWriter(Store store, Keys keys, Clock clock) {
        this.store = store;
        this.keys = keys;
        this.clock = clock;
    }

    /** Reads every stored status, so the first pass after taking over does not rewrite identical ones. */
    public Map<String, GroupStatus> load() {
        written.clear();
        for (KeyValue kv : store.list(keys.statuses()).kvs()) {
            String id = Keys.idUnder(keys.statuses(), kv.key());
            GroupStatus s = decode(kv.value());
            if (id != null && s != null) {
                written.put(id, s);
            }
        }
        return Map.copyOf(written);
    }

    public Optional<GroupStatus> last(String id) {
        return Optional.ofNullable(written.get(id));
    }

    /** An error record, keeping the first-seen time while the same message repeats. */
    public GroupStatus.LastError error(String id, String message) {
        GroupStatus prev = written.get(id);
        if (prev != null && prev.error() != null && prev.error().message().equals(message)) {
            return prev.error();
        }
        return new GroupStatus.LastError(message, Instant.now(clock).toString());
    }

    /** Writes the status unless it equals the last one written. Returns whether a write happened. */
    public boolean write(GroupStatus status, LeaderTerm term) {
        if (status.equals(written.get(status.id()))) {
            return false;
        }
        Txn txn = term.fence(Txn.builder().then(Op.put(keys.status(status.id()), encode(status))).build());
        if (!store.commit(txn).succeeded()) {
            throw new LostLeadershipException("status write for " + status.id() + " refused: no longer the leader");
        }
        written.put(status.id(), status);
        return true;
    }

    public void delete(String id, LeaderTerm term) {
        Txn txn = term.fence(Txn.builder().then(Op.delete(keys.status(id))).build());
        if (!store.commit(txn).succeeded()) {
            throw new LostLeadershipException("status delete for " + id + " refused: no longer the leader");
        }
        written.remove(id);
    }

    public static String encode(GroupStatus status) {
        try {
            return MAPPER.writeValueAsString(status);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static GroupStatus decode(String json) {
        try {
            return MAPPER.readValue(json, GroupStatus.class);
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
