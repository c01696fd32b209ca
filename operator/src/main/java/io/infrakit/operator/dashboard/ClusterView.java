package io.infrakit.operator.dashboard;

import io.infrakit.operator.Keys;
import io.infrakit.operator.events.Event;
import io.infrakit.store.KeyValue;
import io.infrakit.store.Listing;
import io.infrakit.store.Store;
import io.infrakit.store.WatchEvent;
import io.infrakit.store.WatchListener;
import io.infrakit.store.election.CandidateKeys;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What the dashboard shows, kept in memory from one etcd watch on the whole prefix: the groups' specs, statuses,
 * free and pause markers, spec histories and recent events, and the election's keys. Every replica keeps its own, so a standby
 * serves the same pages as the leader. Listeners hear which groups changed (or that the replicas did), on the
 * watch's thread, in revision order.
 */
final class ClusterView implements AutoCloseable {

    /** Hears what changed; called on the watch's thread, so it only hands work off. */
    interface Listener {
        /**
         * @param groups   the groups whose keys changed (all of them after a re-listing)
         * @param replicas whether an election key changed
         */
        void changed(Set<String> groups, boolean replicas);

        /** Events newly written to the events log, oldest first. */
        void recorded(List<Event> events);

        /** etcd is unreachable ({@code problem} says why), or reachable again (null). */
        void connection(String problem);
    }

    /** The kinds of keys of a group the dashboard reads, by their directory under the prefix. */
    enum Kind {
        SPEC("groups"), STATUS("status"), FREE("free"), PAUSE("pause"), HISTORY("history");

        final String dir;

        Kind(String dir) {
            this.dir = dir;
        }
    }

    private final Store store;
    private final Keys keys;
    private final Map<Kind, Map<String, KeyValue>> groups = new ConcurrentHashMap<>();
    private final Map<String, KeyValue> candidates = new ConcurrentHashMap<>();
    private final RecentEvents events;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private volatile long revision;
    private volatile boolean synced;
    private volatile String problem;
    private volatile Instant problemSince;
    private Store.Watch watch;

    ClusterView(Store store, Keys keys) {
        this.store = store;
        this.keys = keys;
        this.events = new RecentEvents(store, keys);
        for (Kind k : Kind.values()) {
            groups.put(k, new ConcurrentHashMap<>());
        }
    }

    void addListener(Listener l) {
        listeners.add(l);
    }

    synchronized ClusterView start() {
        if (watch == null) {
            watch = store.watch(keys.prefix() + "/", 0, new Feed());
        }
        return this;
    }

    /** The key of one kind of one group, as last seen. */
    Optional<KeyValue> get(Kind kind, String id) {
        return Optional.ofNullable(groups.get(kind).get(id));
    }

    /** Every group that has a spec or a status (a deleted spec's status lasts until its instances are gone). */
    Set<String> groupIds() {
        Set<String> ids = new TreeSet<>(groups.get(Kind.SPEC).keySet());
        ids.addAll(groups.get(Kind.STATUS).keySet());
        return ids;
    }

    /** The group's recent events, oldest first: read from etcd, or the few kept here while it cannot be read. */
    List<Event> events(String id) {
        return problem != null ? events.kept(id) : events.read(id);
    }

    /** The election's keys, oldest first: the first leads. */
    List<KeyValue> candidates() {
        return candidates.values().stream().sorted(Comparator.comparingLong(KeyValue::createRevision)).toList();
    }

    /** The revision of the last change seen. */
    long revision() {
        return revision;
    }

    /** Whether the first listing has arrived. */
    boolean synced() {
        return synced;
    }

    /** Why etcd is unreachable, or null. */
    String problem() {
        return problem;
    }

    Instant problemSince() {
        return problemSince;
    }

    Keys keys() {
        return keys;
    }

    @Override
    public synchronized void close() {
        if (watch != null) {
            watch.close();
            watch = null;
        }
    }

    /** Where a key goes: a group's key of some kind, an election key, or nowhere (null). */
    private record Place(Kind kind, String id) {
        static final Place CANDIDATE = new Place(null, null);
    }

    private Place place(String key) {
        if (key.startsWith(keys.leader())) {
            // As the election counts them: another key put there is no replica.
            return CandidateKeys.isCandidate(keys.leader(), key) ? Place.CANDIDATE : null;
        }
        for (Kind k : Kind.values()) {
            String id = Keys.idUnder(keys.prefix() + "/" + k.dir + "/", key);
            if (id != null) {
                return new Place(k, id);
            }
        }
        return null;
    }

    /** The watch's listener: one thread at a time, in revision order. */
    private final class Feed implements WatchListener {

        @Override
        public void onResync(Listing snapshot) {
            Set<String> before = groupIds();
            Map<String, Long> seen = new HashMap<>();
            events.groups().forEach(g -> seen.put(g, events.last(g)));
            groups.values().forEach(Map::clear);
            candidates.clear();
            events.clear();
            // Events written while the watch was broken: told as if watched (a first listing tells none).
            List<Event> missed = new ArrayList<>();
            for (KeyValue kv : snapshot.kvs()) {
                Event e = store(kv);
                if (synced && e != null && e.seq() > seen.getOrDefault(e.group(), 0L)) {
                    missed.add(e);
                }
            }
            missed.sort(Event.ORDER);
            revision = snapshot.revision();
            synced = true;
            reachable();
            Set<String> changed = new TreeSet<>(before);
            changed.addAll(groupIds());
            listeners.forEach(l -> l.changed(changed, true));
            if (!missed.isEmpty()) {
                listeners.forEach(l -> l.recorded(missed));
            }
        }

        @Override
        public void onEvent(WatchEvent event) {
            revision = Math.max(revision, event.kv().modRevision());
            reachable();
            if (events.owns(event.key())) {
                if (event.type() == WatchEvent.Type.PUT) {
                    Event e = events.put(event.kv().value());
                    if (e != null) {
                        listeners.forEach(l -> l.recorded(List.of(e)));
                    }
                } else {
                    events.delete(event.key());
                }
                return;
            }
            Place p = place(event.key());
            if (p == null) {
                return;
            }
            if (event.type() == WatchEvent.Type.PUT) {
                store(event.kv());
            } else if (p == Place.CANDIDATE) {
                candidates.remove(event.key());
            } else {
                groups.get(p.kind()).remove(p.id());
            }
            Set<String> changed = p == Place.CANDIDATE ? Set.of() : Set.of(p.id());
            listeners.forEach(l -> l.changed(changed, p == Place.CANDIDATE));
        }

        @Override
        public void onDisconnected(Throwable cause) {
            if (problem == null) {
                problemSince = Instant.now();
            }
            String message = cause.getMessage() == null ? cause.toString() : cause.getMessage();
            problem = "etcd at " + store.endpoints() + " is unreachable: " + message;
            listeners.forEach(l -> l.connection(problem));
        }

        private void reachable() {
            if (problem != null) {
                problem = null;
                problemSince = null;
                listeners.forEach(l -> l.connection(null));
            }
        }

        /** Keeps a listed key; returns it as an event when it is one, else null. */
        private Event store(KeyValue kv) {
            if (events.owns(kv.key())) {
                return events.put(kv.value());
            }
            Place p = place(kv.key());
            if (p == Place.CANDIDATE) {
                candidates.put(kv.key(), kv);
            } else if (p != null) {
                groups.get(p.kind()).put(p.id(), kv);
            }
            return null;
        }
    }
}
