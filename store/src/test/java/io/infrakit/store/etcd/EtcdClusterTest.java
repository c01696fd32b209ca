package io.infrakit.store.etcd;

import io.infrakit.store.testing.StoreKind;

import io.infrakit.store.Compare;
import io.infrakit.store.Op;
import io.infrakit.store.Store;
import io.infrakit.store.StoreConfig;
import io.infrakit.store.StoreException;
import io.infrakit.store.Txn;
import io.infrakit.store.WatchEvent;
import io.infrakit.store.testing.EtcdCluster;
import io.infrakit.store.testing.RecordingWatchListener;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** A three-member cluster losing one member. */
class EtcdClusterTest {

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.ofSize(3);

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void storeKeepsWorkingWhenOneMemberIsKilled(StoreKind kind) {
        EtcdApi store = ETCD.newStore(kind);
        String p = EtcdCluster.uniquePrefix("quorum");
        store.put(p + "before", "1");

        ETCD.kill(0);
        try {
            long start = System.nanoTime();
            for (int i = 0; i < 30; i++) {
                store.put(p + i, Integer.toString(i));
                assertThat(store.get(p + i).orElseThrow().value()).isEqualTo(Integer.toString(i));
            }
            System.out.printf("3 members, one killed: 30 puts+gets took %d ms%n",
                    (System.nanoTime() - start) / 1_000_000);
            assertThat(store.list(p).kvs()).hasSize(31);
        } finally {
            ETCD.restart(0);
        }
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void watchOnARestartedMemberGetsTheWritesItMissed(StoreKind kind) {
        String p = EtcdCluster.uniquePrefix("catchup");
        // The watcher talks to member 0 only; the writer to the other two.
        try (EtcdApi watching = kind.open(StoreConfig.builder().endpoints(ETCD.member(0).clientUrl())
                .requestTimeout(Duration.ofSeconds(5)).build());
             EtcdApi writer = kind.open(StoreConfig.builder()
                     .endpoints(ETCD.member(1).clientUrl(), ETCD.member(2).clientUrl())
                     .requestTimeout(Duration.ofSeconds(5)).build())) {
            RecordingWatchListener rec = new RecordingWatchListener();
            Store.Watch watch = watching.watch(p, 0, rec);
            try {
                rec.awaitResync(1, Duration.ofSeconds(5));
                IntStream.range(0, 50).forEach(i -> create(writer, p, i));
                rec.awaitEvents(50, Duration.ofSeconds(5));

                ETCD.kill(0);
                rec.awaitDisconnect(Duration.ofSeconds(5));
                IntStream.range(50, 150).forEach(i -> create(writer, p, i)); // while the watcher's member is down
                long restartAt = System.nanoTime();
                ETCD.restart(0);
                List<WatchEvent> events = rec.awaitEvents(150, Duration.ofSeconds(15));
                System.out.printf("member restart: the 100 missed events arrived %d ms after restart%n",
                        (System.nanoTime() - restartAt) / 1_000_000);

                assertThat(events).extracting(e -> e.kv().value())
                        .containsExactlyElementsOf(IntStream.range(0, 150).mapToObj(Integer::toString).toList());
                assertThat(events).extracting(e -> e.kv().modRevision()).isSorted().doesNotHaveDuplicates();
                assertThat(rec.resyncs()).hasSize(1);
            } finally {
                watch.close();
            }
        }
    }

    /** Creates key i exactly once, retrying while the cluster elects a new leader. */
    private static void create(EtcdApi store, String p, int i) {
        String key = p + String.format("k%03d", i);
        Txn txn = Txn.builder().when(Compare.absent(key)).then(Op.put(key, Integer.toString(i))).build();
        for (int attempt = 1; ; attempt++) {
            try {
                store.commit(txn);
                return; // either it applied now, or an earlier attempt did
            } catch (StoreException e) {
                if (attempt == 5) {
                    throw e;
                }
            }
        }
    }
}
