package io.infrakit.store.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import io.infrakit.store.KeyValue;
import io.infrakit.store.Listing;
import io.infrakit.store.Store;
import io.infrakit.store.StoreConfig;
import io.infrakit.store.election.Election;
import io.infrakit.store.testing.EtcdSnapshots;
import io.infrakit.store.testing.RecordingElectionListener;
import io.infrakit.store.testing.RecordingWatchListener;
import io.infrakit.store.testing.StoreKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * etcd replaced by a member restored from an older snapshot: its revision goes backwards. A watch must not wait for
 * revisions the restored etcd has yet to reach (they will mean other changes): it says the revision went back, hands
 * over the restored keys, and follows the new history. An election whose key the restore lost campaigns again.
 */
class EtcdSnapshotRestoreIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void watchRelistsFollowsTheRestoredHistoryAndALostLeaderKeyIsCampaignedForAgain(StoreKind kind) {
        EtcdServer etcd = EtcdServer.builder("snap", dir.resolve("etcd")).fastTimings(true).build();
        EtcdServer back = null;
        etcd.start();
        try (EtcdApi store = kind.open(StoreConfig.of(etcd.clientUrl()))) {
            RecordingWatchListener rec = new RecordingWatchListener();
            Store.Watch watch = store.watch("/w/", 0, rec);
            rec.awaitResync(1, WAIT);
            store.put("/w/a", "1");
            store.put("/w/b", "1");
            rec.awaitEvents(2, WAIT);
            Path snapshot = dir.resolve("snapshot.db");
            EtcdSnapshots.save(etcd, snapshot);

            // Lost with the restore: changes, and an election won after the snapshot.
            store.delete("/w/a");
            store.put("/w/b", "2");
            for (int i = 0; i < 10; i++) {
                store.put("/w/n" + i, "x");
            }
            rec.awaitEvents(14, WAIT);
            RecordingElectionListener votes = new RecordingElectionListener();
            Election election = new Election(store, "/e", "{\"id\":\"one\"}", 2, votes);
            election.campaign();
            votes.awaitElected(1, WAIT);
            long seen = rec.events().get(rec.events().size() - 1).kv().modRevision();

            back = EtcdSnapshots.replaceFrom(etcd, snapshot, dir.resolve("restored"));
            long backAt = System.nanoTime();

            Listing relisted = rec.awaitResync(2, WAIT);
            long relistedAfter = System.nanoTime() - backAt;
            assertThat(relisted.kvs()).extracting(KeyValue::key, KeyValue::value)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("/w/a", "1"),
                            org.assertj.core.groups.Tuple.tuple("/w/b", "1"));
            assertThat(rec.rewinds()).as("revision going back, told once, before the re-listing").singleElement()
                    .satisfies(r -> {
                        assertThat(r.seen()).isGreaterThanOrEqualTo(seen);
                        assertThat(r.now()).isEqualTo(relisted.revision());
                        assertThat(r.resyncsBefore()).isEqualTo(1);
                    });
            assertThat(relisted.revision()).isLessThan(seen);

            // The watch follows the new history at once (not waiting for revision seen + 1).
            store.put("/w/after", "1");
            assertThat(rec.awaitEventOn("/w/after", WAIT)).last().satisfies(e ->
                    assertThat(e.kv().modRevision()).isLessThanOrEqualTo(seen));

            RecordingElectionListener.Call demoted = votes.awaitDemoted(1, WAIT);
            RecordingElectionListener.Call again = votes.awaitElected(2, WAIT);
            assertThat(again.key().createRevision()).isGreaterThan(relisted.revision());
            System.out.printf("[restore] %s: revision %d back to %d: re-listed %d ms after etcd was back; election "
                            + "key lost ('%s'), elected again after %d ms%n", kind, seen, relisted.revision(),
                    TimeUnit.NANOSECONDS.toMillis(relistedAfter), demoted.reason(),
                    TimeUnit.NANOSECONDS.toMillis(again.nanos() - backAt));
            assertThat(rec.overlapped()).isFalse();
            election.close();
            watch.close();
        } finally {
            if (back != null) {
                back.close();
            }
            etcd.close();
        }
    }
}
