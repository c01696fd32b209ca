package io.infrakit.operator.events;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.infrakit.operator.Keys;
import io.infrakit.operator.election.LeaderTerm;
import io.infrakit.operator.election.LostLeadershipException;
import io.infrakit.plugins.json.Json;
import io.infrakit.store.Compare;
import io.infrakit.store.KeyValue;
import io.infrakit.store.Listing;
import io.infrakit.store.Op;
import io.infrakit.store.Store;
import io.infrakit.store.Txn;
import io.infrakit.store.TxnResult;
import io.infrakit.store.WatchEvent;
import io.infrakit.store.WatchListener;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The events log in etcd: {@code <prefix>/events/<ID>/<seq>} holds one event, {@code <prefix>/event-seq/<ID>} the
 * group's last sequence number. Each group keeps its newest {@link #KEEP} events: a write that adds event n deletes
 * event n − KEEP in the same transaction, so the log is bounded per group without ever listing it, and a reader
 * (the CLI, a dashboard) sees each event once, in order, from a watch on the prefix. Writers compare-and-set the
 * counter, so the leader and a CLI writing at once never take the same number. Groups that are gone keep their
 * events for {@link #RETENTION} after the last one, then {@link #sweep} removes them.
 */
public final class EventStore {

    /** Events kept per group. */
    public static final int KEEP = 100;
    /** How long the events of a group that no longer exists are kept after its last event. */
    public static final Duration RETENTION = Duration.ofHours(1);
    /** Operations per transaction: etcd refuses more than 128 by default. */
    static final int MAX_TXN_OPS = 100;
    private static final int CHUNK = (MAX_TXN_OPS - 1) / 2;
    private static final int ATTEMPTS = 5;
    private static final Logger log = LoggerFactory.getLogger(EventStore.class);

    private final Store store;
    private final Keys keys;
    /** The stored counter: the last sequence number and the time of that event. */
    record Counter(@JsonProperty("Seq") long seq, @JsonProperty("Time") String time) {
    }

    private record Read(Counter counter, long modRevision) {
        static final Read NONE = new Read(new Counter(0, null), 0);
    }

    /** Each group's counter as last read or written here, with its mod revision: the next write's guard. */
    private final Map<String, Read> cache = new ConcurrentHashMap<>();

    public EventStore(Store store, Keys keys) {
        this.store = store;
        this.keys = keys;
    }

    public Keys keys() {
        return keys;
    }

    /**
     * A sink that stores each event at once, for a process that records a few (a CLI command); a failure is logged
     * and the event dropped.
     */
    public EventSink directSink() {
        return event -> {
            try {
                append(List.of(event), null);
            } catch (RuntimeException e) {
                log.debug("event not recorded: {}", e.toString());
            }
        };
    }

    /**
     * Stores events, giving each its group's next sequence number, in as few transactions as etcd allows (a group's
     * events beyond the newest {@link #KEEP} of the call are not written: they would be deleted at once).
     *
     * @param term fences every write on the leader's term; null for a write on a user's behalf
     * @return the events stored, with their sequence numbers
     * @throws LostLeadershipException when the fence failed
     */
    public List<Event> append(List<Event> events, LeaderTerm term) {
        Map<String, List<Event>> byGroup = new LinkedHashMap<>();
        for (Event e : events) {
            byGroup.computeIfAbsent(e.group(), g -> new ArrayList<>()).add(e);
        }
        List<List<Event>> chunks = new ArrayList<>();
        for (List<Event> list : byGroup.values()) {
            List<Event> newest = list.subList(Math.max(0, list.size() - KEEP), list.size());
            for (int i = 0; i < newest.size(); i += CHUNK) {
                chunks.add(newest.subList(i, Math.min(newest.size(), i + CHUNK)));
            }
        }
        List<Event> stored = new ArrayList<>();
        while (!chunks.isEmpty()) {
            // One transaction: whole chunks of distinct groups, within etcd's limit.
            List<List<Event>> txn = new ArrayList<>();
            Set<String> groups = new HashSet<>();
            int ops = 0;
            for (List<Event> chunk : chunks) {
                int need = 1 + 2 * chunk.size();
                if (groups.contains(chunk.get(0).group()) || ops + need > MAX_TXN_OPS) {
                    continue;
                }
                txn.add(chunk);
                groups.add(chunk.get(0).group());
                ops += need;
            }
            chunks.removeAll(txn);
            stored.addAll(commit(txn, term));
        }
        return stored;
    }

    private List<Event> commit(List<List<Event>> chunks, LeaderTerm term) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Txn.Builder txn = Txn.builder();
            List<Event> numbered = new ArrayList<>();
            Map<String, Read> next = new HashMap<>();
            Map<String, Read> read = new HashMap<>();
            for (List<Event> chunk : chunks) {
                String id = chunk.get(0).group();
                Read now = cache.computeIfAbsent(id, this::readCounter);
                read.put(id, now);
                long seq = now.counter().seq();
                txn.when(now.modRevision() == 0 ? Compare.absent(keys.eventCounter(id))
                        : Compare.modRevision(keys.eventCounter(id), now.modRevision()));
                for (Event e : chunk) {
                    seq++;
                    Event n = e.withSeq(seq);
                    numbered.add(n);
                    txn.then(Op.put(keys.event(id, seq), n.toJson()));
                    if (seq > KEEP) {
                        txn.then(Op.delete(keys.event(id, seq - KEEP)));
                    }
                }
                Counter c = new Counter(seq, chunk.get(chunk.size() - 1).time());
                txn.then(Op.put(keys.eventCounter(id), Json.write(c)));
                next.put(id, new Read(c, 0));
            }
            Txn built = txn.build();
            TxnResult r = store.commit(term == null ? built : term.fence(built));
            if (r.succeeded()) {
                next.forEach((id, n) -> cache.put(id, new Read(n.counter(), r.revision())));
                return numbered;
            }
            // Someone else numbered events of these groups meanwhile, or this replica leads no more.
            boolean moved = false;
            for (Map.Entry<String, Read> e : read.entrySet()) {
                Read fresh = readCounter(e.getKey());
                cache.put(e.getKey(), fresh);
                moved |= fresh.modRevision() != e.getValue().modRevision();
            }
            if (!moved && term != null) {
                throw new LostLeadershipException("events write refused: no longer the leader");
            }
        }
        throw new IllegalStateException("the event counters of " + chunks.stream().map(c -> c.get(0).group())
                .toList() + " kept changing; events not recorded");
    }

    private Read readCounter(String id) {
        return store.get(keys.eventCounter(id)).map(kv -> new Read(counter(kv.value()), kv.modRevision()))
                .orElse(Read.NONE);
    }

    private static Counter counter(String json) {
        try {
            return Json.mapper().readValue(json, Counter.class);
        } catch (Exception e) {
            return new Counter(0, null);
        }
    }

    /** Forgets the counters read: another writer may have moved them (a new leader term). */
    public void forgetCounters() {
        cache.clear();
    }

    /** The events stored, oldest first, with the revision they were read at (to follow from). */
    public record Snapshot(List<Event> events, long revision) {
        public Snapshot {
            events = List.copyOf(events);
        }
    }

    /** Every stored event of one group (null: of every group), oldest first. */
    public Snapshot read(String group) {
        Listing l = store.list(group == null ? keys.events() : keys.events(group));
        return new Snapshot(parse(l.kvs()), l.revision());
    }

    private static List<Event> parse(List<KeyValue> kvs) {
        List<Event> out = new ArrayList<>();
        for (KeyValue kv : kvs) {
            Event.fromJson(kv.value()).ifPresent(out::add);
        }
        out.sort(Event.ORDER);
        return out;
    }

    /**
     * Delivers every event stored after {@code revision} (a {@link Snapshot}'s), of one group or all (null), as it
     * is written, each once, until the watch is closed. After a compaction the watch re-reads the log and delivers
     * what it had not.
     */
    public Store.Watch follow(String group, long revision, Consumer<Event> listener) {
        Map<String, Long> seen = new HashMap<>();
        return store.watch(group == null ? keys.events() : keys.events(group), revision + 1, new WatchListener() {
            @Override
            public void onEvent(WatchEvent event) {
                if (event.type() == WatchEvent.Type.PUT) {
                    Event.fromJson(event.kv().value()).ifPresent(this::deliver);
                }
            }

            @Override
            public void onResync(Listing snapshot) {
                parse(snapshot.kvs()).forEach(this::deliver);
            }

            private void deliver(Event e) {
                Long last = seen.get(e.group());
                if (last == null || e.seq() > last) {
                    seen.put(e.group(), e.seq());
                    listener.accept(e);
                }
            }
        });
    }

    /**
     * Removes the events of groups that have neither a spec nor a status any more and whose last event is older
     * than {@code retention}. Returns the groups removed.
     */
    public List<String> sweep(Duration retention, Instant now, LeaderTerm term) {
        Set<String> live = new HashSet<>();
        for (String dir : List.of(keys.groups(), keys.statuses())) {
            store.list(dir).kvs().forEach(kv -> Optional.ofNullable(Keys.idUnder(dir, kv.key())).ifPresent(live::add));
        }
        List<String> removed = new ArrayList<>();
        for (KeyValue kv : store.list(keys.eventCounters()).kvs()) {
            String id = Keys.idUnder(keys.eventCounters(), kv.key());
            Counter c = counter(kv.value());
            if (id == null || live.contains(id) || c.time() != null && Instant.parse(c.time()).plus(retention)
                    .isAfter(now)) {
                continue;
            }
            Txn txn = Txn.builder().when(Compare.modRevision(kv.key(), kv.modRevision()))
                    .then(Op.deletePrefix(keys.events(id))).then(Op.delete(kv.key())).build();
            if (store.commit(term == null ? txn : term.fence(txn)).succeeded()) {
                cache.remove(id);
                removed.add(id);
            }
        }
        return removed;
    }
}
