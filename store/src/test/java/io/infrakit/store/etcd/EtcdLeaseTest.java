package io.infrakit.store.etcd;

import io.infrakit.store.testing.StoreKind;

import io.infrakit.store.Lease;
import io.infrakit.store.LeaseListener;
import io.infrakit.store.LeaseTtl;
import io.infrakit.store.Op;
import io.infrakit.store.Store;
import io.infrakit.store.Txn;
import io.infrakit.store.WatchEvent;
import io.infrakit.store.testing.EtcdCluster;
import io.infrakit.store.testing.RecordingWatchListener;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class EtcdLeaseTest {

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.single();

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void keepAliveHoldsTheLeaseBeyondItsTtl(StoreKind kind) throws Exception {
        EtcdApi store = ETCD.newStore(kind);
        String key = EtcdCluster.uniquePrefix("lease") + "held";
        CountDownLatch keepAlives = new CountDownLatch(5);
        long before = System.nanoTime();
        try (Lease lease = store.grantLease(1, new LeaseListener() {
            @Override
            public void onKeepAlive(Lease l) {
                keepAlives.countDown();
            }
        })) {
            assertThat(lease.id()).isNotZero();
            assertThat(lease.ttlSeconds()).isEqualTo(1);
            assertThat(lease.lastKeepAliveNanos()).isGreaterThanOrEqualTo(before);
            store.commit(Txn.builder().then(Op.put(key, "v", lease.id())).build());

            // Five keep-alives at TTL/3 span more than the TTL.
            assertThat(keepAlives.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(System.nanoTime() - before).isGreaterThan(TimeUnit.SECONDS.toNanos(1));
            assertThat(store.get(key)).isPresent();
            assertThat(lease.deadlineNanos()).isGreaterThan(System.nanoTime());
            assertThat(lease.isExpired()).isFalse();
        }
        assertThat(store.get(key)).as("closing revokes").isEmpty();
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void anyStoreReadsWhatIsLeftOfALeaseAndNothingOnceItIsGone(StoreKind kind) {
        EtcdStore holder = ETCD.newStore();
        EtcdApi reader = ETCD.newStore(kind);
        Lease lease = holder.grantLease(5, LeaseListener.NONE);
        LeaseTtl ttl = reader.leaseTtl(lease.id()).orElseThrow();
        assertThat(ttl.grantedSeconds()).isEqualTo(5);
        assertThat(ttl.remainingSeconds()).isBetween(1L, 5L);
        lease.close(); // revoked
        assertThat(reader.leaseTtl(lease.id())).isEmpty();
        assertThat(reader.leaseTtl(0x7eadbeefL)).as("a lease etcd never granted").isEmpty();
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void leaseExpiresWhenItsHolderStopsKeepingItAlive(StoreKind kind) {
        EtcdApi observer = ETCD.newStore(kind);
        String key = EtcdCluster.uniquePrefix("lease") + "crashed";
        EtcdApi holder = kind.open(ETCD.storeConfig());
        Lease lease = holder.grantLease(1, LeaseListener.NONE);
        long rev = holder.commit(Txn.builder().then(Op.put(key, "v", lease.id())).build()).revision();

        RecordingWatchListener rec = new RecordingWatchListener();
        Store.Watch watch = observer.watch(key, rev + 1, rec);
        try {
            long crashAt = System.nanoTime();
            holder.close(); // as if the process died: keep-alives stop, nothing is revoked
            assertThat(observer.get(key)).as("not revoked on close").isPresent();

            WatchEvent gone = rec.awaitEvents(1, Duration.ofSeconds(5)).get(0);
            long goneAt = System.nanoTime();
            System.out.printf("lease TTL 1s: key gone %d ms after keep-alives stopped, %d ms after the lease could "
                    + "expire%n", (goneAt - crashAt) / 1_000_000, (goneAt - lease.deadlineNanos()) / 1_000_000);
            assertThat(gone.type()).isEqualTo(WatchEvent.Type.DELETE);
            assertThat(gone.key()).isEqualTo(key);
            // Measured from the last keep-alive etcd confirmed, not from the close: it may have come late.
            assertThat(goneAt).as("not before a TTL from the last keep-alive").isGreaterThanOrEqualTo(
                    lease.deadlineNanos());
        } finally {
            watch.close();
        }
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void revokedLeaseIsReportedExpired(StoreKind kind) throws Exception {
        EtcdApi store = ETCD.newStore(kind);
        CountDownLatch expired = new CountDownLatch(1);
        Lease lease = store.grantLease(2, new LeaseListener() {
            @Override
            public void onExpired(Lease l) {
                expired.countDown();
            }
        });
        ETCD.newStore(kind).revokeLease(lease.id());

        assertThat(expired.await(3, TimeUnit.SECONDS)).isTrue();
        assertThat(lease.isExpired()).isTrue();
        lease.close(); // nothing left to revoke; must not fail
    }
}
