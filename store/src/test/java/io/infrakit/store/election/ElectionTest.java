package io.infrakit.store.election;

import io.infrakit.store.Op;
import io.infrakit.store.Txn;
import io.infrakit.store.etcd.EtcdStore;
import io.infrakit.store.testing.EtcdCluster;
import io.infrakit.store.testing.RecordingElectionListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ElectionTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final long TTL = 2;
    /** A TTL so long that a handover through the lease's expiry cannot pass for a prompt one, however loaded. */
    private static final long LONG_TTL = 10;

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.single();

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    /** A candidate with its own client, as a separate replica would have. */
    private record Replica(EtcdStore store, Election election, RecordingElectionListener events) {
    }

    private Replica replica(String prefix, String name) {
        return replica(prefix, name, TTL);
    }

    private Replica replica(String prefix, String name, long ttl) {
        EtcdStore store = new EtcdStore(ETCD.storeConfig());
        RecordingElectionListener events = new RecordingElectionListener();
        Election election = new Election(store, prefix, "{\"id\":\"" + name + "\"}", ttl, events);
        toClose.add(store);
        toClose.add(election);
        return new Replica(store, election, events);
    }

    /** A replica that campaigned and was elected. */
    private Replica leader(String prefix, String name) {
        Replica r = replica(prefix, name);
        r.election().campaign();
        r.events().awaitElected(1, WAIT);
        return r;
    }

    /** Three candidates campaigning one after the other (so their order is known); the first leads. */
    private List<Replica> threeCandidates(String prefix) {
        return threeCandidates(prefix, TTL);
    }

    private List<Replica> threeCandidates(String prefix, long ttl) {
        List<Replica> replicas = IntStream.range(0, 3).mapToObj(i -> replica(prefix, "r" + i, ttl)).toList();
        for (Replica r : replicas) {
            int before = Election.candidates(r.store(), prefix).size();
            r.election().campaign();
            await("candidate key").atMost(WAIT)
                    .until(() -> Election.candidates(r.store(), prefix).size() == before + 1);
        }
        replicas.get(0).events().awaitElected(1, WAIT);
        await("followers waiting").atMost(WAIT).until(() -> replicas.get(1).election().waitingFor().isPresent()
                && replicas.get(2).election().waitingFor().isPresent());
        return replicas;
    }

    @Test
    void threeCandidatesElectExactlyOneLeaderAndFollowersWaitOnTheirPredecessor() {
        String prefix = EtcdCluster.uniquePrefix("elect") + "leader";
        List<Replica> r = threeCandidates(prefix);

        assertThat(r).filteredOn(x -> x.election().isLeader()).hasSize(1);
        assertThat(r.get(0).election().isLeader()).isTrue();
        List<Candidate> candidates = r.get(0).election().candidates();
        assertThat(candidates).extracting(Candidate::value)
                .containsExactly("{\"id\":\"r0\"}", "{\"id\":\"r1\"}", "{\"id\":\"r2\"}");
        assertThat(candidates).extracting(Candidate::createRevision).isSorted();
        LeaderKey key = r.get(0).election().leaderKey().orElseThrow();
        assertThat(candidates.get(0).key()).isEqualTo(key.key())
                .isEqualTo(prefix + "/" + Long.toHexString(key.leaseId()));
        assertThat(candidates.get(0).leaseId()).isEqualTo(key.leaseId());
        assertThat(candidates.get(0).createRevision()).isEqualTo(key.createRevision());
        assertThat(r.get(2).election().currentLeader()).contains(candidates.get(0));
        // each follower waits on the next older key only
        assertThat(r.get(1).election().waitingFor()).contains(candidates.get(0).key());
        assertThat(r.get(2).election().waitingFor()).contains(candidates.get(1).key());
        assertThat(r.get(1).events().calls()).isEmpty();
        assertThat(r.get(2).events().calls()).isEmpty();
    }

    @Test
    void resignHandsOverToTheNextCandidatePromptly() {
        String prefix = EtcdCluster.uniquePrefix("resign") + "leader";
        List<Replica> r = threeCandidates(prefix, LONG_TTL);

        long start = System.nanoTime();
        r.get(0).election().resign();
        RecordingElectionListener.Call elected = r.get(1).events().awaitElected(1,
                Duration.ofSeconds(LONG_TTL + 5));
        long millis = (elected.nanos() - start) / 1_000_000;
        System.out.printf("election: handover after resign took %d ms (TTL %ds)%n", millis, LONG_TTL);
        assertThat(millis).as("handed over by the resign, not by the lease's expiry")
                .isLessThan(LONG_TTL * 1000 / 2);

        RecordingElectionListener.Call demoted = r.get(0).events().awaitDemoted(1, WAIT);
        assertThat(demoted.reason()).isEqualTo("resigned");
        assertThat(demoted.nanos()).as("old leader stops before the new one starts").isLessThan(elected.nanos());
        assertThat(r.get(0).election().isLeader()).isFalse();
        assertThat(r.get(2).election().isLeader()).isFalse();
        assertThat(r.get(1).election().candidates()).hasSize(2);
    }

    @Test
    void aCandidacyRestartedRightAfterADemotionIsTheOnlyOne() {
        String prefix = EtcdCluster.uniquePrefix("restart") + "leader";
        Replica r = leader(prefix, "r0");
        LeaderKey first = r.election().leaderKey().orElseThrow();
        // Demoted (its key deleted): it schedules a new campaign; before that runs, the replica resigns and
        // campaigns again at once, as a replica does when the leader era rises.
        ETCD.newStore().delete(first.key());
        r.events().awaitDemoted(1, WAIT);
        r.election().resign();
        r.election().campaign();
        r.events().awaitElected(2, WAIT);
        await("the scheduled retry has run").pollDelay(Duration.ofMillis(500)).atMost(WAIT).until(() -> true);
        assertThat(Election.candidates(r.store(), prefix)).as("one key: no second candidacy beside the first")
                .hasSize(1);
    }

    @Test
    void revokedLeaseDemotesTheLeaderAndTheNextTakesOver() {
        String prefix = EtcdCluster.uniquePrefix("revoke") + "leader";
        List<Replica> r = threeCandidates(prefix);
        LeaderKey first = r.get(0).election().leaderKey().orElseThrow();

        long start = System.nanoTime();
        ETCD.newStore().revokeLease(first.leaseId());
        RecordingElectionListener.Call elected = r.get(1).events().awaitElected(1, WAIT);
        RecordingElectionListener.Call demoted = r.get(0).events().awaitDemoted(1, WAIT);
        System.out.printf("election: next leader %d ms after the leader's lease was revoked%n",
                (elected.nanos() - start) / 1_000_000);

        assertThat(demoted.reason()).containsAnyOf("deleted", "expired", "gone");
        // The old leader campaigns again, now at the back of the line.
        await("old leader back as candidate").atMost(WAIT).until(() -> r.get(0).election().candidates().size() == 3);
        List<Candidate> candidates = r.get(1).election().candidates();
        assertThat(candidates).extracting(Candidate::value)
                .containsExactly("{\"id\":\"r1\"}", "{\"id\":\"r2\"}", "{\"id\":\"r0\"}");
        assertThat(r).filteredOn(x -> x.election().isLeader()).extracting(x -> x.election().leaderKey()
                .orElseThrow().key()).containsExactly(candidates.get(0).key());
    }

    @Test
    void crashedLeadersLeaseExpiresAndTheNextIsElected() {
        String prefix = EtcdCluster.uniquePrefix("crash") + "leader";
        List<Replica> r = threeCandidates(prefix);

        // etcd keeps the lease at least a TTL past the sending of the last keep-alive it confirmed (the lease
        // deadline), which may lie well before the crash if that keep-alive came late.
        long leaseDeadline = r.get(0).election().leaseDeadlineNanos();
        long crashAt = System.nanoTime();
        r.get(0).store().close(); // the process "dies": no resign, no revoke, keep-alives stop
        r.get(0).election().close();
        RecordingElectionListener.Call elected = r.get(1).events().awaitElected(1, Duration.ofSeconds(TTL + 4));
        long millis = (elected.nanos() - crashAt) / 1_000_000;
        System.out.printf("election: next leader %d ms after the leader crashed, %d ms after its lease could "
                + "expire (TTL %ds)%n", millis, (elected.nanos() - leaseDeadline) / 1_000_000, TTL);

        assertThat(elected.nanos()).as("waits for the lease to expire").isGreaterThanOrEqualTo(leaseDeadline);
        assertThat(r.get(2).election().isLeader()).isFalse();
        assertThat(r.get(1).election().candidates()).hasSize(2);
    }

    @Test
    void fenceHoldsOnlyWhileTheLeaderKeyExists() {
        String prefix = EtcdCluster.uniquePrefix("fence") + "leader";
        Replica a = leader(prefix, "a");
        LeaderKey key = a.events().calls().get(0).key(); // as the listener heard it
        Replica b = replica(prefix, "b");
        b.election().campaign();
        await("b waiting").atMost(WAIT).until(() -> b.election().waitingFor().isPresent());
        String status = prefix + "-status";

        Txn write = Txn.builder().when(key.fence()).then(Op.put(status, "from a")).build();
        assertThat(a.store().commit(write).succeeded()).isTrue();
        assertThat(a.election().fence()).isEqualTo(key.fence());

        a.election().resign();
        b.events().awaitElected(1, WAIT);
        assertThat(a.store().commit(write).succeeded()).as("deposed leader's write").isFalse();
        assertThat(b.store().commit(Txn.builder().when(b.election().fence()).then(Op.put(status, "from b"))
                .build()).succeeded()).isTrue();
        assertThat(a.store().get(status).orElseThrow().value()).isEqualTo("from b");
    }

    @Test
    void resignedCandidateCanCampaignAgain() {
        String prefix = EtcdCluster.uniquePrefix("again") + "leader";
        Replica a = leader(prefix, "a");
        a.election().resign();
        assertThat(a.election().candidates()).isEmpty();
        a.election().campaign();
        a.events().awaitElected(2, WAIT);
        assertThat(a.events().calls()).extracting(c -> c.elected()).containsExactly(true, false, true);
    }

    /**
     * Keys under the election prefix that are no candidate's (other data put there, even with hex-looking but
     * over-long names or one level deeper) must not count as candidates: they never go, and a candidate that took one
     * for its predecessor would wait for it for good.
     */
    @Test
    void otherKeysUnderThePrefixAreNoCandidates() {
        String prefix = EtcdCluster.uniquePrefix("strays") + "leader";
        Replica a = leader(prefix, "a");
        Replica b = replica(prefix, "b");
        a.store().put(prefix + "/data", "not a candidate");
        a.store().put(prefix + "/0123456789abcdef0", "17 hex digits: no lease ID");
        a.store().put(prefix + "/ab/cd", "one level deeper");
        assertThat(a.election().candidates()).hasSize(1);

        b.election().campaign();
        await("b waiting").atMost(WAIT).until(() -> b.election().waitingFor().isPresent());
        assertThat(b.election().waitingFor()).contains(a.election().leaderKey().orElseThrow().key());
        assertThat(b.election().candidates()).extracting(Candidate::value)
                .containsExactly("{\"id\":\"a\"}", "{\"id\":\"b\"}");

        a.election().resign();
        b.events().awaitElected(1, WAIT);
        assertThat(Election.currentLeader(a.store(), prefix).orElseThrow().value()).isEqualTo("{\"id\":\"b\"}");
    }
}
