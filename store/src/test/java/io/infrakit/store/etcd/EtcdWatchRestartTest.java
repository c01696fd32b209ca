package io.infrakit.store.etcd;

import io.infrakit.store.testing.StoreKind;

import io.infrakit.store.Store;
import io.infrakit.store.WatchEvent;
import io.infrakit.store.testing.EtcdCluster;
import io.infrakit.store.testing.RecordingWatchListener;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The watch against an etcd process that is killed (-9) and restarted on the same port and data dir. */
class EtcdWatchRestartTest {

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void watchResumesAfterKillAndRestartWithoutLostOrDuplicateEvents(StoreKind kind) {
        try (EtcdCluster etcd = EtcdCluster.single().start()) {
            EtcdApi watching = etcd.newStore(kind);
            EtcdApi writer = etcd.newStore(kind);
            String p = "/restart/";
            RecordingWatchListener rec = new RecordingWatchListener();
            Store.Watch watch = watching.watch(p, 0, rec);
            try {
                rec.awaitResync(1, Duration.ofSeconds(5));
                for (int i = 0; i < 100; i++) {
                    writer.put(p + String.format("k%03d", i), Integer.toString(i));
                }
                etcd.kill(0); // right after the burst: some events may not have reached the watcher yet
                rec.awaitDisconnect(Duration.ofSeconds(5));
                int deliveredBeforeRestart = rec.events().size();

                long restartAt = System.nanoTime();
                etcd.restart(0);
                long healthyAt = System.nanoTime();
                for (int i = 100; i < 200; i++) {
                    writer.put(p + String.format("k%03d", i), Integer.toString(i));
                }
                List<WatchEvent> events = rec.awaitEvents(200, Duration.ofSeconds(15));
                long allAt = System.nanoTime();
                System.out.printf("restart: etcd healthy after %d ms, all 200 events %d ms after restart "
                                + "(%d delivered before the kill)%n", (healthyAt - restartAt) / 1_000_000,
                        (allAt - restartAt) / 1_000_000, deliveredBeforeRestart);

                assertThat(events).extracting(e -> e.kv().value())
                        .containsExactlyElementsOf(IntStream.range(0, 200).mapToObj(Integer::toString).toList());
                long first = events.get(0).kv().modRevision();
                assertThat(events).extracting(e -> e.kv().modRevision())
                        .containsExactlyElementsOf(IntStream.range(0, 200).mapToObj(i -> first + i).toList());
                assertThat(rec.resyncs()).as("resumed by revision, not by re-listing").hasSize(1);
                assertThat(rec.overlapped()).isFalse();
            } finally {
                watch.close();
            }
        }
    }

    /** gRPC alone would wait seconds more after a long outage (its reconnect backoff); the store must not. */
    @ParameterizedTest
    @EnumSource(StoreKind.class)
    @Tag("heavy")
    void reconnectsPromptlyAfterALongOutage(StoreKind kind) throws Exception {
        try (EtcdCluster etcd = EtcdCluster.single().start()) {
            EtcdApi store = etcd.newStore(kind);
            RecordingWatchListener rec = new RecordingWatchListener();
            Store.Watch watch = store.watch("/outage/", 0, rec);
            try {
                rec.awaitResync(1, Duration.ofSeconds(5));
                store.put("/outage/before", "1");
                rec.awaitEvents(1, Duration.ofSeconds(5));
                etcd.kill(0);
                rec.awaitDisconnect(Duration.ofSeconds(5));
                Thread.sleep(10_000); // gRPC's own next attempt would now be 2.5 s or more away

                etcd.restart(0);
                long restartedAt = System.nanoTime();
                store.put("/outage/after", "2");
                rec.awaitEventOn("/outage/after", Duration.ofSeconds(10));
                long millis = (System.nanoTime() - restartedAt) / 1_000_000;
                System.out.printf("after a 10 s outage: put and its watch event %d ms after etcd was back%n",
                        millis);
                assertThat(millis).isLessThan(2_000);
            } finally {
                watch.close();
            }
        }
    }
}
