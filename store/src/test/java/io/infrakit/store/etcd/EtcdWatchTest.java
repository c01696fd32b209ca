package io.infrakit.store.etcd;

import io.infrakit.store.testing.StoreKind;

import io.infrakit.store.KeyValue;
import io.infrakit.store.Listing;
import io.infrakit.store.Op;
import io.infrakit.store.Store;
import io.infrakit.store.Txn;
import io.infrakit.store.WatchEvent;
import io.infrakit.store.WatchListener;
import io.infrakit.store.testing.EtcdCluster;
import io.infrakit.store.testing.RecordingWatchListener;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

class EtcdWatchTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.single();

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void watchFromRevisionDeliversExactlyTheEventsFromThere(StoreKind kind) {
        EtcdApi store = ETCD.newStore(kind);
        String p = EtcdCluster.uniquePrefix("fromrev");
        store.put(p + "a", "1");
        long r2 = store.put(p + "b", "2");
        store.put("/elsewhere", "x");
        long r4 = store.commit(Txn.builder().then(Op.delete(p + "a")).build()).revision();
        long r5 = store.put(p + "c", "3");

        RecordingWatchListener rec = new RecordingWatchListener();
        Store.Watch watch = store.watch(p, r2, rec);
        try {
            long r6 = store.put(p + "live", "4");
            List<WatchEvent> events = rec.awaitEventOn(p + "live", WAIT);

            assertThat(events).containsExactly(
                    new WatchEvent(WatchEvent.Type.PUT, new KeyValue(p + "b", "2", r2, r2, 1)),
                    new WatchEvent(WatchEvent.Type.DELETE, new KeyValue(p + "a", "", 0, r4, 0)),
                    new WatchEvent(WatchEvent.Type.PUT, new KeyValue(p + "c", "3", r5, r5, 1)),
                    new WatchEvent(WatchEvent.Type.PUT, new KeyValue(p + "live", "4", r6, r6, 1)));
            assertThat(rec.resyncs()).isEmpty();
            assertThat(rec.disconnects()).isEmpty();
        } finally {
            watch.close();
        }
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void watchFromZeroStartsWithTheListingThenEventsAfterIt(StoreKind kind) {
        EtcdApi store = ETCD.newStore(kind);
        String p = EtcdCluster.uniquePrefix("fromzero");
        store.put(p + "x", "1");
        store.put(p + "y", "2");

        RecordingWatchListener rec = new RecordingWatchListener();
        Store.Watch watch = store.watch(p, 0, rec);
        try {
            Listing snapshot = rec.awaitResync(1, WAIT);
            assertThat(snapshot.kvs()).extracting(KeyValue::key).containsExactly(p + "x", p + "y");

            long both = store.commit(Txn.builder()
                    .then(Op.put(p + "x", "changed")).then(Op.delete(p + "y")).build()).revision();
            List<WatchEvent> events = rec.awaitEvents(2, WAIT);

            assertThat(events).extracting(WatchEvent::type, WatchEvent::key, e -> e.kv().modRevision())
                    .containsExactly(
                            tuple(WatchEvent.Type.PUT, p + "x", both),
                            tuple(WatchEvent.Type.DELETE, p + "y", both));
            assertThat(events.get(0).kv().createRevision()).isLessThan(snapshot.revision());
            assertThat(rec.resyncs()).hasSize(1);
        } finally {
            watch.close();
        }
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void compactedRevisionLeadsToResyncThenEventsContinue(StoreKind kind) {
        EtcdApi store = ETCD.newStore(kind);
        String p = EtcdCluster.uniquePrefix("compacted");
        long first = store.put(p + "a", "1");
        store.put(p + "a", "2");
        store.put(p + "b", "1");
        long compactAt = store.put(p + "c", "1");
        store.delete(p + "b");
        store.compact(compactAt);

        RecordingWatchListener rec = new RecordingWatchListener();
        Store.Watch watch = store.watch(p, first, rec);
        try {
            Listing snapshot = rec.awaitResync(1, WAIT);
            assertThat(snapshot.kvs()).extracting(KeyValue::key, KeyValue::value)
                    .containsExactly(tuple(p + "a", "2"),
                            tuple(p + "c", "1"));

            long after = store.put(p + "d", "1");
            List<WatchEvent> events = rec.awaitEventOn(p + "d", WAIT);
            assertThat(events).extracting(e -> e.kv().modRevision()).containsExactly(after);
            assertThat(rec.resyncs()).hasSize(1);
        } finally {
            watch.close();
        }
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void manyWritesArriveInRevisionOrderOnOneThreadAtATime(StoreKind kind) {
        EtcdApi store = ETCD.newStore(kind);
        String p = EtcdCluster.uniquePrefix("order");
        RecordingWatchListener rec = new RecordingWatchListener();
        Store.Watch watch = store.watch(p, 0, rec);
        try {
            rec.awaitResync(1, WAIT);
            for (int i = 0; i < 200; i++) {
                store.put(p + (i % 7), Integer.toString(i));
            }
            List<WatchEvent> events = rec.awaitEvents(200, WAIT);
            assertThat(events).hasSize(200);
            assertThat(events).extracting(e -> e.kv().modRevision()).isSorted().doesNotHaveDuplicates();
            assertThat(events).extracting(e -> e.kv().value())
                    .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 200).mapToObj(Integer::toString)
                            .toList());
            assertThat(rec.overlapped()).isFalse();
        } finally {
            watch.close();
        }
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void closeStopsEventsAndItsThread(StoreKind kind) throws Exception {
        EtcdApi store = ETCD.newStore(kind);
        String p = EtcdCluster.uniquePrefix("close");
        int threadsBefore = watchThreads();
        RecordingWatchListener rec = new RecordingWatchListener();
        Store.Watch watch = store.watch(p, 0, rec);
        rec.awaitResync(1, WAIT);
        store.put(p + "1", "x");
        rec.awaitEvents(1, WAIT);
        assertThat(watchThreads()).isEqualTo(threadsBefore + 1);

        watch.close();
        // close() returns once the watch's executor has terminated; its thread is then a moment from ending, so
        // wait for that, not for the 5 s a thread left running would fail.
        await("the watch's thread to end").atMost(Duration.ofSeconds(5))
                .until(() -> watchThreads() == threadsBefore);

        // A later write must not arrive: a second watch sees it, the closed one does not.
        RecordingWatchListener witness = new RecordingWatchListener();
        Store.Watch second = store.watch(p, 0, witness);
        try {
            witness.awaitResync(1, WAIT);
            store.put(p + "2", "x");
            witness.awaitEvents(1, WAIT);
        } finally {
            second.close();
        }
        assertThat(rec.events()).hasSize(1);
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void listenerMayCloseItsOwnWatch(StoreKind kind) throws Exception {
        EtcdApi store = ETCD.newStore(kind);
        String p = EtcdCluster.uniquePrefix("selfclose");
        CountDownLatch closed = new CountDownLatch(1);
        Store.Watch[] self = new Store.Watch[1];
        CountDownLatch started = new CountDownLatch(1);
        self[0] = store.watch(p, 0, new WatchListener() {
            @Override
            public void onEvent(WatchEvent event) {
                self[0].close();
                closed.countDown();
            }

            @Override
            public void onResync(Listing snapshot) {
                started.countDown();
            }
        });
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        store.put(p + "k", "v");
        assertThat(closed.await(5, TimeUnit.SECONDS)).isTrue();
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void aWatchQuietForAWhileStillDeliversTheNextChange(StoreKind kind) throws Exception {
        EtcdApi store = ETCD.newStore(kind);
        String p = EtcdCluster.uniquePrefix("quiet");
        RecordingWatchListener rec = new RecordingWatchListener();
        Store.Watch watch = store.watch(p, 0, rec);
        try {
            rec.awaitResync(1, WAIT);
            store.put(p + "1", "first");
            rec.awaitEvents(1, WAIT);
            Thread.sleep(1_600); // longer than the HTTP store's read poll, several times
            store.put(p + "2", "x".repeat(20_000)); // more than one read's worth
            store.put(p + "3", "third");
            assertThat(rec.awaitEvents(3, WAIT)).extracting(e -> e.kv().value().length())
                    .containsExactly(5, 20_000, 5);
            assertThat(rec.disconnects()).isEmpty();
        } finally {
            watch.close();
        }
    }

    static int watchThreads() {
        return (int) Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("infrakit-watch") && t.isAlive()).count();
    }
}
