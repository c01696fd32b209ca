package io.infrakit.store.election;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.infrakit.store.ForwardingStore;
import io.infrakit.store.Lease;
import io.infrakit.store.LeaseListener;
import io.infrakit.store.Store;
import io.infrakit.store.testing.EtcdCluster;
import io.infrakit.store.testing.RecordingElectionListener;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A candidate whose candidacy ends (its key gone, as when its lease lapsed behind an etcd endpoint that stopped
 * answering) is back in line at once, without waiting for the revoke of its old lease: revoking through that same
 * endpoint can take seconds, and meanwhile the candidate would be out of the election. Seen in the reliability
 * lab: followers cut from one etcd member took over up to 10 s late.
 */
class ElectionSlowRevokeTest {

    private static final Duration SLOW_REVOKE = Duration.ofSeconds(4);

    /** The real store, but revoking a lease takes {@link #SLOW_REVOKE} first (an endpoint that does not answer). */
    private static final class SlowRevokes extends ForwardingStore {
        SlowRevokes(Store delegate) {
            super(delegate);
        }

        @Override
        public Lease grantLease(long ttlSeconds, LeaseListener listener) {
            Lease lease = super.grantLease(ttlSeconds, listener);
            return new Lease() {
                @Override
                public long id() {
                    return lease.id();
                }

                @Override
                public long ttlSeconds() {
                    return lease.ttlSeconds();
                }

                @Override
                public long lastKeepAliveNanos() {
                    return lease.lastKeepAliveNanos();
                }

                @Override
                public boolean isExpired() {
                    return lease.isExpired();
                }

                @Override
                public void close() {
                    try {
                        Thread.sleep(SLOW_REVOKE.toMillis());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    lease.close();
                }
            };
        }
    }

    @Test
    void aCandidateWhoseKeyWentIsBackInLineWithoutWaitingForTheRevoke() {
        try (EtcdCluster etcd = EtcdCluster.single().start()) {
            Store admin = etcd.newStore();
            RecordingElectionListener a = new RecordingElectionListener();
            RecordingElectionListener b = new RecordingElectionListener();
            try (Election ea = new Election(etcd.newStore(), "/slow/leader/", "a", 5, a);
                 Election eb = new Election(new SlowRevokes(etcd.newStore()), "/slow/leader/", "b", 5, b)) {
                ea.campaign();
                a.awaitElected(1, Duration.ofSeconds(5));
                eb.campaign();
                await("b in line").atMost(Duration.ofSeconds(5)).until(() -> eb.waitingFor().isPresent());
                String bKey = keyOf(eb, "b").orElseThrow();

                long gone = System.nanoTime();
                admin.delete(bKey);
                await("b back in line under a new key").atMost(Duration.ofSeconds(10))
                        .until(() -> keyOf(eb, "b").filter(k -> !k.equals(bKey)).isPresent());
                long back = (System.nanoTime() - gone) / 1_000_000;

                System.out.printf("election: candidate back in line %d ms after its key went (revoke takes %d ms)%n",
                        back, SLOW_REVOKE.toMillis());
                assertThat(back).as("ms until back in line").isLessThan(SLOW_REVOKE.toMillis() - 1000);

                // and the leader's going still hands over to it
                ea.resign();
                b.awaitElected(1, Duration.ofSeconds(5));
            } finally {
                admin.close();
            }
        }
    }

    private static Optional<String> keyOf(Election e, String value) {
        List<Candidate> all = e.candidates();
        return all.stream().filter(c -> c.value().equals(value)).map(Candidate::key).findFirst();
    }
}
