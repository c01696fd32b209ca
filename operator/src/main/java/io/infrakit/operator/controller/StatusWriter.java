package io.infrakit.operator.controller;

import io.infrakit.operator.Keys;
import io.infrakit.operator.election.LeaderTerm;
import io.infrakit.operator.events.Event;
import io.infrakit.operator.events.EventKind;
import io.infrakit.operator.events.EventSink;
import io.infrakit.operator.events.StatusEvents;
import io.infrakit.operator.election.LostLeadershipException;
import io.infrakit.operator.group.GroupStatus;
import io.infrakit.store.KeyValue;
import io.infrakit.store.Op;
import io.infrakit.store.Store;
import io.infrakit.store.Txn;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes group status to etcd, only when it changed, always fenced on the leader's term. Keeps what it last wrote
 * (or read) per group, so a resync that changes nothing costs no etcd request. Each change written is also an
 * event (a new state, a new error), and so is a status deleted with its group.
 */
public final class StatusWriter {

    private final Store store;
    private final Keys keys;
    private final Map<String, GroupStatus> written = new ConcurrentHashMap<>();
    private final EventSink events;
    private final Clock clock;

    public StatusWriter(Store store, Keys keys) {
        this(store, keys, EventSink.NONE, Clock.systemUTC());
    }

    public StatusWriter(Store store, Keys keys, EventSink events, Clock clock) {
        this.store = store;
        this.keys = keys;
        this.events = events;
        this.clock = clock;
    }

    /** Reads every stored status, so the first pass after taking over does not rewrite identical ones. */
    public Map<String, GroupStatus> load() {
        written.clear();
        for (KeyValue kv : store.list(keys.statuses()).kvs()) {
            String id = Keys.idUnder(keys.statuses(), kv.key());
            if (id != null) {
                GroupStatus.fromJson(kv.value()).ifPresent(s -> written.put(id, s));
            }
        }
        return Map.copyOf(written);
    }

    public Optional<GroupStatus> last(String id) {
        return Optional.ofNullable(written.get(id));
    }

    /** Writes the status unless it equals the last one written. Returns whether a write happened. */
    public boolean write(GroupStatus status, LeaderTerm term) {
        GroupStatus before = written.get(status.id());
        if (status.equals(before)) {
            return false;
        }
        Txn txn = term.fence(Txn.builder().then(Op.put(keys.status(status.id()), status.toJson())).build());
        if (!store.commit(txn).succeeded()) {
            throw new LostLeadershipException("status write for " + status.id() + " refused: no longer the leader");
        }
        written.put(status.id(), status);
        StatusEvents.between(before, status, clock.instant()).forEach(events::record);
        return true;
    }

    public void delete(String id, LeaderTerm term) {
        Txn txn = term.fence(Txn.builder().then(Op.delete(keys.status(id))).build());
        if (!store.commit(txn).succeeded()) {
            throw new LostLeadershipException("status delete for " + id + " refused: no longer the leader");
        }
        written.remove(id);
        events.record(Event.of(clock.instant(), id, EventKind.DELETE, null, StatusEvents.CONTROLLER,
                "group deleted: its instances are destroyed and its status removed"));
    }
}
