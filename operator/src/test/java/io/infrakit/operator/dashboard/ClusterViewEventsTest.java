package io.infrakit.operator.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.infrakit.operator.Keys;
import io.infrakit.operator.events.Event;
import io.infrakit.operator.events.EventKind;
import io.infrakit.operator.testing.MemoryStore;
import io.infrakit.store.ForwardingStore;
import io.infrakit.store.WatchEvent;
import io.infrakit.store.WatchListener;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What the view tells its listeners about the events log across a broken watch. The watch's deliveries are driven
 * by hand over a map of keys (the logic under test is what the view makes of them; the watch itself is etcd's and is
 * tested against a real one).
 */
class ClusterViewEventsTest {

    private final Keys keys = new Keys("/ik");
    private final MemoryStore kvs = new MemoryStore();
    private WatchListener feed;
    private final List<Event> recorded = new ArrayList<>();

    private final ClusterView view = new ClusterView(new ForwardingStore(kvs) {
        @Override
        public Watch watch(String prefix, long fromRevision, WatchListener listener) {
            feed = listener;
            return () -> { };
        }
    }, keys);

    ClusterViewEventsTest() {
        view.addListener(new ClusterView.Listener() {
            @Override
            public void changed(Set<String> groups, boolean replicas) {
            }

            @Override
            public void recorded(List<Event> events) {
                recorded.addAll(events);
            }

            @Override
            public void connection(String problem) {
            }
        });
        view.start();
    }

    @Test
    void eventsWrittenWhileTheWatchWasBrokenAreToldOnceItIsBack() throws IOException {
        put("web", 1);
        put("db", 1);
        feed.onResync(kvs.list(keys.prefix() + "/"));
        assertEquals(List.of(), recorded, "a first listing tells none");

        feed.onEvent(new WatchEvent(WatchEvent.Type.PUT, kvs.get(put("web", 2)).orElseThrow()));
        assertEquals(List.of("web/2"), told());

        feed.onDisconnected(new IOException("connection refused"));
        put("web", 3);
        put("db", 2);
        put("cache", 1); // a group first seen in the re-listing
        feed.onResync(kvs.list(keys.prefix() + "/"));

        assertEquals(List.of("web/2", "web/3", "db/2", "cache/1"), told());
        assertEquals(3, view.events("web").size(), "a group's events are read from the store");
    }

    private int clock;

    private String put(String group, long seq) {
        Event e = new Event(seq, Instant.parse("2026-01-01T00:00:00Z").plusSeconds(clock++).toString(), group,
                EventKind.PROVISION, group + "-" + seq, "controller", "provisioned");
        String key = keys.event(group, seq);
        kvs.put(key, e.toJson());
        return key;
    }

    private List<String> told() {
        return recorded.stream().map(e -> e.group() + "/" + e.seq()).toList();
    }
}
