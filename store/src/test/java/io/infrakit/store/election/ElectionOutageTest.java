package io.infrakit.store.election;

import io.infrakit.store.etcd.EtcdStore;
import io.infrakit.store.testing.EtcdCluster;
import io.infrakit.store.testing.RecordingElectionListener;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A leader that loses etcd must step down before its lease could expire, and the election must recover. */
class ElectionOutageTest {

    @Test
    void leaderStepsDownBeforeItsLeaseCouldExpireWhenEtcdIsGone() {
        long ttl = 2;
        try (EtcdCluster etcd = EtcdCluster.single().start()) {
            EtcdStore storeA = etcd.newStore();
            EtcdStore storeB = etcd.newStore();
            RecordingElectionListener a = new RecordingElectionListener();
            RecordingElectionListener b = new RecordingElectionListener();
            try (Election ea = new Election(storeA, "/outage/leader", "a", ttl, a);
                 Election eb = new Election(storeB, "/outage/leader", "b", ttl, b)) {
                ea.campaign();
                a.awaitElected(1, Duration.ofSeconds(5));
                eb.campaign();
                await("b waiting").atMost(Duration.ofSeconds(5)).until(() -> eb.waitingFor().isPresent());

                long killedAt = System.nanoTime();
                etcd.kill(0);
                // A keep-alive answered around the kill moves the deadline on: the bound is the latest deadline the
                // leader knew before it stepped down (afterwards it holds no lease to ask about).
                AtomicLong deadline = new AtomicLong(ea.leaseDeadlineNanos());
                await("a steps down").atMost(Duration.ofSeconds(ttl + 1)).until(() -> {
                    deadline.accumulateAndGet(ea.leaseDeadlineNanos(), Math::max);
                    return a.demotedCount() > 0;
                });
                RecordingElectionListener.Call demoted = a.awaitDemoted(1, Duration.ofSeconds(1));
                System.out.printf("election: leader stepped down %d ms after etcd died (TTL %ds), %d ms before "
                                + "its lease could expire%n", (demoted.nanos() - killedAt) / 1_000_000, ttl,
                        (deadline.get() - demoted.nanos()) / 1_000_000);
                assertThat(demoted.nanos()).as("before the lease could expire").isLessThan(deadline.get());
                assertThat(demoted.reason()).contains("not confirmed");
                assertThat(ea.isLeader()).isFalse();

                etcd.restart(0);
                long restartedAt = System.nanoTime();
                // b is the oldest live candidate once a's old key expires; a campaigns again behind it.
                RecordingElectionListener.Call next = b.awaitElected(1, Duration.ofSeconds(ttl + 8));
                System.out.printf("election: new leader %d ms after etcd came back%n",
                        (next.nanos() - restartedAt) / 1_000_000);
                await("a back in line").atMost(Duration.ofSeconds(5)).until(() -> eb.candidates().size() == 2);
                assertThat(ea.isLeader()).isFalse();
                assertThat(eb.currentLeader().orElseThrow().value()).isEqualTo("b");
            }
        }
    }
}
