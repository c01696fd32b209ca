package io.infrakit.operator.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.infrakit.operator.Keys;
import io.infrakit.operator.election.LeaderTerm;
import io.infrakit.operator.election.LostLeadershipException;
import io.infrakit.store.Compare;
import io.infrakit.store.Store;
import io.infrakit.store.Txn;
import io.infrakit.store.testing.EtcdCluster;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The events log against a real etcd: numbering, the bound per group, two writers, fencing, follow, sweep. */
class EventStoreIT {

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.single();

    private Store store;
    private Keys keys;

    @BeforeEach
    void setUp() {
        store = ETCD.newStore();
        keys = new Keys(EtcdCluster.uniquePrefix("events"));
    }

    private static Event event(String group, String message) {
        return Event.of(Instant.now(), group, EventKind.PROVISION, "i-" + message, "controller", message);
    }

    @Test
    void eachGroupKeepsItsNewestEventsNumberedInOrder() {
        EventStore events = new EventStore(store, keys);
        List<Event> batch = new ArrayList<>();
        IntStream.range(0, EventStore.KEEP + 30).forEach(i -> batch.add(event("web", "n" + i)));
        batch.add(event("db", "only"));
        List<Event> stored = events.append(batch, null);
        assertThat(stored).hasSize(EventStore.KEEP + 1); // the oldest 30 of web are never written

        List<Event> web = events.read("web").events();
        assertThat(web).hasSize(EventStore.KEEP);
        assertThat(web).extracting(Event::seq).containsExactlyElementsOf(
                IntStream.rangeClosed(1, EventStore.KEEP).mapToObj(Long::valueOf).toList());
        assertThat(web.get(web.size() - 1).message()).isEqualTo("n" + (EventStore.KEEP + 29));

        // More events push the oldest out, in the same transactions: the directory never grows past KEEP.
        events.append(List.of(event("web", "a"), event("web", "b")), null);
        List<Event> after = events.read("web").events();
        assertThat(after).hasSize(EventStore.KEEP);
        assertThat(after.get(0).seq()).isEqualTo(3);
        assertThat(store.list(keys.events("web")).kvs()).hasSize(EventStore.KEEP);
        assertThat(events.read(null).events()).hasSize(EventStore.KEEP + 1);
    }

    @Test
    void twoWritersNeverTakeTheSameNumber() {
        EventStore leader = new EventStore(store, keys);
        EventStore cli = new EventStore(ETCD.newStore(), keys);
        leader.append(List.of(event("web", "1")), null); // the leader's counter is cached from here
        cli.append(List.of(event("web", "2")), null);
        leader.append(List.of(event("web", "3")), null); // its guard fails once: it reads again and retries
        assertThat(leader.read("web").events()).extracting(Event::seq, Event::message)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1L, "1"), org.assertj.core.groups.Tuple.tuple(2L,
                        "2"), org.assertj.core.groups.Tuple.tuple(3L, "3"));
    }

    @Test
    void aFormerLeaderWritesNothing() {
        store.put(keys.leader() + "me", "x");
        long created = store.get(keys.leader() + "me").orElseThrow().createRevision();
        LeaderTerm term = new LeaderTerm() {
            @Override
            public boolean isActive() {
                return true;
            }

            @Override
            public long token() {
                return created;
            }

            @Override
            public Txn fence(Txn txn) {
                return txn.and(Compare.createRevision(keys.leader() + "me", created));
            }
        };
        EventStore events = new EventStore(store, keys);
        events.append(List.of(event("web", "while leading")), term);
        store.delete(keys.leader() + "me");
        assertThatThrownBy(() -> events.append(List.of(event("web", "after")), term))
                .isInstanceOf(LostLeadershipException.class);
        assertThat(events.read("web").events()).extracting(Event::message).containsExactly("while leading");
    }

    @Test
    void aRecorderBatchesAndAFollowerSeesEachEventOnce() {
        EventStore events = new EventStore(store, keys);
        EventStore.Snapshot start = events.read(null);
        List<Event> seen = new CopyOnWriteArrayList<>();
        Store.Watch follow = events.follow(null, start.revision(), seen::add);
        try (follow; EventRecorder recorder = new EventRecorder(events, Clock.systemUTC(), Duration.ofMillis(300))) {
            recorder.record(event("web", "dropped: not leading"));
            recorder.lead(LeaderTerm.standalone());
            long before = store.list(keys.eventCounters()).revision();
            for (int i = 0; i < 50; i++) {
                recorder.record(event(i % 2 == 0 ? "web" : "db", "e" + i));
            }
            await("50 events followed").atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 50);
            // 50 events of two groups in a few transactions (two or three flushes, each one or two), not 50.
            long revisions = store.list(keys.eventCounters()).revision() - before;
            assertThat(revisions).isLessThanOrEqualTo(6);
            assertThat(seen).extracting(Event::message).doesNotContain("dropped: not leading");
        }
        assertThat(seen.stream().filter(e -> e.group().equals("web")).map(Event::seq).toList())
                .isEqualTo(IntStream.rangeClosed(1, 25).mapToObj(Long::valueOf).toList());
    }

    @Test
    void theEventsOfGroupsLongGoneAreSwept() {
        EventStore events = new EventStore(store, keys);
        events.append(List.of(event("gone", "x"), event("live", "y"), event("recent", "z")), null);
        store.put(keys.group("live"), "{}");
        Instant now = Instant.now();
        assertThat(events.sweep(Duration.ofHours(1), now, null)).isEmpty();
        // An hour later: "live" still has its spec; the others are gone for long enough.
        assertThat(events.sweep(Duration.ofHours(1), now.plus(Duration.ofMinutes(61)), null))
                .containsExactlyInAnyOrder("gone", "recent");
        assertThat(events.read(null).events()).extracting(Event::group).containsExactly("live");
        assertThat(store.get(keys.eventCounter("gone"))).isEmpty();
    }
}
