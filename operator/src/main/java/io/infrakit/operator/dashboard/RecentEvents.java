package io.infrakit.operator.dashboard;

import com.google.common.collect.Interner;
import com.google.common.collect.Interners;
import io.infrakit.operator.Keys;
import io.infrakit.operator.events.Event;
import io.infrakit.operator.events.EventStore;
import io.infrakit.store.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The events log ({@link EventStore}) as the dashboard's watch sees it. The watch carries every event as it is
 * written (the live streams forward them); memory keeps only each group's newest {@link #IN_MEMORY}, and a page that
 * asks for a group's events reads the group's newest {@link EventStore#KEEP} from etcd. At 1,000 groups the whole
 * log is 100,000 events, about 30 MB of heap; ten a group are 3 MB. While etcd cannot be read, the newest ten are
 * what a page gets. The strings every event of a group repeats (its group, the leader that recorded it) are kept
 * once, not once per event.
 */
final class RecentEvents {

    private static final Logger LOG = LoggerFactory.getLogger(RecentEvents.class);

    /** Events of each group kept in memory. */
    static final int IN_MEMORY = 10;

    private final EventStore log;
    private final Keys keys;
    private final Map<String, NavigableMap<Long, Event>> byGroup = new ConcurrentHashMap<>();
    private final Interner<String> repeated = Interners.newWeakInterner();

    RecentEvents(Store store, Keys keys) {
        this.log = new EventStore(store, keys);
        this.keys = keys;
    }

    /** Whether the key is an event's ({@code <prefix>/events/<ID>/<seq>}). */
    boolean owns(String key) {
        return key.startsWith(keys.events());
    }

    /** A stored event; null when the value is not one (it is then skipped) or the group already has a newer copy. */
    Event put(String value) {
        Event e = Event.fromJson(value).orElse(null);
        if (e == null || e.seq() <= 0) {
            return null;
        }
        e = new Event(e.seq(), e.time(), repeated.intern(e.group()), e.kind(), e.instance(),
                e.actor() == null ? null : repeated.intern(e.actor()), e.message());
        NavigableMap<Long, Event> events = byGroup.computeIfAbsent(e.group(), g -> new TreeMap<>());
        synchronized (events) {
            if (events.put(e.seq(), e) != null) {
                return null;
            }
            while (events.size() > IN_MEMORY) {
                events.pollFirstEntry();
            }
        }
        return e;
    }

    /** An event key deleted: the log dropped its oldest event, or every event of a group long gone. */
    void delete(String key) {
        String rest = key.substring(keys.events().length());
        int slash = rest.lastIndexOf('/');
        if (slash <= 0) {
            return;
        }
        String group = rest.substring(0, slash);
        try {
            long seq = Long.parseLong(rest.substring(slash + 1));
            byGroup.computeIfPresent(group, (g, events) -> {
                synchronized (events) {
                    events.remove(seq);
                    return events.isEmpty() ? null : events;
                }
            });
        } catch (NumberFormatException e) {
            // not an event's key: nothing kept for it
        }
    }

    /** The group's newest sequence number seen, or 0. */
    long last(String group) {
        NavigableMap<Long, Event> events = byGroup.get(group);
        if (events == null) {
            return 0;
        }
        synchronized (events) {
            return events.isEmpty() ? 0 : events.lastKey();
        }
    }

    /** The group's newest {@link #IN_MEMORY} events, oldest first. */
    List<Event> kept(String group) {
        NavigableMap<Long, Event> events = byGroup.get(group);
        if (events == null) {
            return List.of();
        }
        synchronized (events) {
            return new ArrayList<>(events.values());
        }
    }

    /** The group's events as the log holds them (its newest {@link EventStore#KEEP}), oldest first, read from etcd. */
    List<Event> read(String group) {
        try {
            List<Event> all = log.read(group).events();
            return all.subList(Math.max(0, all.size() - EventStore.KEEP), all.size());
        } catch (RuntimeException e) {
            LOG.debug("cannot read the events of {}: {}", group, e.toString());
            return kept(group);
        }
    }

    void clear() {
        byGroup.clear();
    }

    /** The groups with events. */
    Set<String> groups() {
        return Set.copyOf(byGroup.keySet());
    }
}
