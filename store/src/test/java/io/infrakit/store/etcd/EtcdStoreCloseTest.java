package io.infrakit.store.etcd;

import io.infrakit.store.testing.StoreKind;

import io.infrakit.store.Lease;
import io.infrakit.store.LeaseListener;
import io.infrakit.store.election.Election;
import io.infrakit.store.testing.EtcdCluster;
import io.infrakit.store.testing.RecordingElectionListener;
import io.infrakit.store.testing.RecordingWatchListener;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class EtcdStoreCloseTest {

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.single();

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void closingLeavesNoThreadsBehind(StoreKind kind) {
        Set<String> before = clientThreads();
        EtcdApi store = kind.open(ETCD.storeConfig());
        RecordingWatchListener rec = new RecordingWatchListener();
        store.watch("/close/", 0, rec);
        rec.awaitResync(1, Duration.ofSeconds(5));
        Lease lease = store.grantLease(5, LeaseListener.NONE);
        RecordingElectionListener events = new RecordingElectionListener();
        Election election = new Election(store, "/close/leader", "me", 5, events);
        election.campaign();
        events.awaitElected(1, Duration.ofSeconds(5));
        assertThat(clientThreads()).hasSizeGreaterThan(before.size());

        election.close();
        lease.close();
        store.close(); // also stops the watch nobody closed

        await("client threads to end, left: " + leftover(before)).atMost(Duration.ofSeconds(5)).until(
                () -> before.containsAll(clientThreads()));
    }

    private static String leftover(Set<String> before) {
        Set<String> now = clientThreads();
        now.removeAll(before);
        return now.toString();
    }

    private static Set<String> clientThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(n -> n.startsWith("infrakit-") || n.startsWith("vert.x-") || n.startsWith("jetcd-"))
                .collect(Collectors.toSet());
    }
}
