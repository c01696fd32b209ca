package io.infrakit.operator.write;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.operator.Keys;
import io.infrakit.operator.election.LeaderTerm;
import io.infrakit.operator.election.LostLeadershipException;
import io.infrakit.plugins.json.Json;
import io.infrakit.store.Compare;
import io.infrakit.store.KeyValue;
import io.infrakit.store.Op;
import io.infrakit.store.Store;
import io.infrakit.store.Txn;
import io.infrakit.store.TxnResult;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The last few specs of each group, at {@code <prefix>/history/<ID>}, so a rollback commits exactly the previous
 * spec even after etcd compacted its revisions. Every spec written through {@link GroupWrites} is recorded with the
 * revision etcd gave it, the time and who wrote it, and the leader records the revision it acts on (specs put
 * with etcdctl: writer {@code etcd}, at the time the leader saw it). Writers compare-and-set the key, so concurrent
 * ones keep each other's entries.
 */
public final class SpecHistory {

    /** How many specs are kept per group. */
    public static final int KEEP = 10;
    private static final int ATTEMPTS = 5;
    /** The writer of a spec that was not written through {@link GroupWrites} (etcdctl, another client). */
    public static final String DIRECT = "etcd";

    /**
     * One remembered spec.
     *
     * @param time   when it was written (for a direct write: when the leader first acted on it); null in entries
     *               recorded by older versions
     * @param writer cli, group-socket, sync, controller or etcd ({@link #DIRECT}); null in older entries
     * @param by     who exactly, when known: user@host of a CLI, a sync's source
     */
    @JsonPropertyOrder({"Revision", "Time", "Writer", "By", "ConfigSHA", "Spec"})
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Entry(@JsonProperty("Revision") long revision, @JsonProperty("ConfigSHA") String configSha,
                        @JsonProperty("Spec") JsonNode spec, @JsonProperty("Time") String time,
                        @JsonProperty("Writer") String writer, @JsonProperty("By") String by) {
    }

    private static final TypeReference<List<Entry>> LIST = new TypeReference<>() { };

    private final Store store;
    private final Keys keys;
    private final Clock clock;
    /** Revisions known to be recorded, per group: a leader records each revision once, without reading. */
    private final ConcurrentHashMap<String, Set<Long>> recorded = new ConcurrentHashMap<>();
    /** The history of each group as last read or written here, with the key's mod revision (the next guard). */
    private final ConcurrentHashMap<String, Read> last = new ConcurrentHashMap<>();

    private record Read(List<Entry> entries, long modRevision) {
        static final Read NONE = new Read(List.of(), 0);
    }

    public SpecHistory(Store store, Keys keys, Clock clock) {
        this.store = store;
        this.keys = keys;
        this.clock = clock;
    }

    /**
     * Remembers the spec of a revision, once: a revision known to be recorded costs nothing (the spec is not even
     * converted), a new one usually one compare-and-set on the history as last read.
     *
     * @param who  who wrote it; null for a spec written directly to etcd
     * @param term the leader's term to fence the write on, or null for a write on a user's behalf
     * @throws LostLeadershipException when the fence failed
     */
    public void record(String id, long revision, String configSha, Supplier<JsonNode> spec, Author who,
                       LeaderTerm term) {
        Set<Long> known = recorded.computeIfAbsent(id, k -> ConcurrentHashMap.newKeySet());
        if (known.contains(revision)) {
            return;
        }
        String key = keys.history(id);
        Read now = last.get(id);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            if (now == null) {
                now = store.get(key).map(kv -> new Read(decode(kv.value()), kv.modRevision())).orElse(Read.NONE);
            }
            if (now.entries().stream().anyMatch(e -> e.revision() == revision)) {
                known.add(revision);
                last.put(id, now);
                return;
            }
            List<Entry> next = new ArrayList<>(now.entries());
            next.add(new Entry(revision, configSha, spec.get(), clock.instant().toString(),
                    who == null ? DIRECT : who.writer(), who == null ? null : who.who()));
            next.sort(Comparator.comparingLong(Entry::revision));
            while (next.size() > KEEP) {
                next.remove(0);
            }
            Txn txn = Txn.builder().when(now.modRevision() == 0 ? Compare.absent(key)
                    : Compare.modRevision(key, now.modRevision())).then(Op.put(key, Json.write(next))).build();
            TxnResult r = store.commit(term == null ? txn : term.fence(txn));
            if (r.succeeded()) {
                known.add(revision);
                last.put(id, new Read(List.copyOf(next), r.revision()));
                return;
            }
            long seen = now.modRevision();
            now = null; // someone else wrote it (or we lead no more): read again
            if (term != null && store.get(key).map(KeyValue::modRevision).orElse(0L) == seen) {
                throw new LostLeadershipException("history write for " + id + " refused: no longer the leader");
            }
        }
        throw new IllegalStateException("the history of " + id + " kept changing; the spec of revision "
                + revision + " is not recorded");
    }

    /** The recorded specs of a group, oldest first (none when the key is absent or unreadable). */
    public List<Entry> entries(String id) {
        return store.get(keys.history(id)).map(kv -> decode(kv.value())).orElse(List.of());
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

    /**
     * The spec a rollback of group {@code id} restores: the one recorded at {@code revision}, or with 0 the
     * previous one (the newest before {@code current} at another config than {@code currentSha}).
     *
     * @throws WriteException {@link WriteException.Reason#NO_HISTORY} when there is none, or it is today's config
     */
    static Entry target(String id, List<Entry> entries, long current, String currentSha, long revision) {
        if (revision == 0) {
            return previous(entries, current, currentSha).orElseThrow(() ->
                    new WriteException(WriteException.Reason.NO_HISTORY, "No previous spec of " + id
                            + " is recorded (the last " + KEEP + " are kept)"));
        }
        Entry at = entries.stream().filter(e -> e.revision() == revision).findFirst().orElseThrow(() ->
                new WriteException(WriteException.Reason.NO_HISTORY, "No spec of " + id + " is recorded at "
                        + "revision " + revision + "; recorded: " + entries.stream()
                        .map(e -> Long.toString(e.revision())).toList() + " (see infrakit group history " + id
                        + ")"));
        if (at.configSha().equals(currentSha)) {
            throw new WriteException(WriteException.Reason.NO_HISTORY, "The spec of revision " + revision
                    + " has the config " + id + " has now (" + currentSha + "): nothing to roll back");
        }
        return at;
    }

    /** Forgets what this process knows of the group's history (it left this leader's hands). */
    public void forget(String id) {
        recorded.remove(id);
        last.remove(id);
    }

    public void clear() {
        recorded.clear();
        last.clear();
    }

    private static List<Entry> decode(String json) {
        try {
            return List.copyOf(Json.mapper().readValue(json, LIST));
        } catch (Exception e) {
            return List.of();
        }
    }
}
