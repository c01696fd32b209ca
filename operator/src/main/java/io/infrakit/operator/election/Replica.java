package io.infrakit.operator.election;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import io.infrakit.store.Op;
import io.infrakit.store.Store;
import io.infrakit.store.StoreException;
import io.infrakit.store.Txn;
import io.infrakit.store.election.Election;
import io.infrakit.store.election.ElectionListener;
import io.infrakit.store.election.LeaderKey;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One operator replica taking part in the election under {@code <prefix>/leader}: a warm standby (its
 * {@link LeaderWork}, the controller, watches specs all along) that starts reconciling the moment it is elected and stops, without exiting, the moment
 * it can no longer prove its lease. Transitions run on one thread, in order.
 */
public final class Replica implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Replica.class);

    private final Store store;
    private final LeaderWork work;
    private final Election election;
    private final LeaderEra era;
    private final ReplicaIdentity identity;
    private final long marginNanos;
    private final ExecutorService transitions;
    private volatile EtcdLeaderTerm term;
    private volatile Runnable onTransition = () -> { };

    /**
     * @param ttl    lease TTL: how long a crashed leader holds the election
     * @param margin the leader stops this long before its lease could expire unconfirmed
     */
    public Replica(Store store, String leaderPrefix, LeaderWork work, ReplicaIdentity identity, Duration ttl,
                   Duration margin) {
        this.store = store;
        this.work = work;
        this.identity = identity;
        this.marginNanos = margin.toNanos();
        this.era = new LeaderEra(store, LeaderEra.keyFor(leaderPrefix), this::eraRaised);
        this.transitions = Executors.newSingleThreadExecutor(
                new ThreadFactoryBuilder().setNameFormat("infrakit-leadership").setDaemon(true).build());
        this.election = new Election(store, leaderPrefix, identity.toJson(), ttl.toSeconds(), margin,
                new ElectionListener() {
                    @Override
                    public void onElected(LeaderKey key) {
                        EtcdLeaderTerm t = new EtcdLeaderTerm(election(), key, marginNanos,
                                Replica.this::relinquish);
                        synchronized (Replica.this) {
                            term = t;
                        }
                        transitions.execute(() -> lead(t));
                    }

                    @Override
                    public void onDemoted(String reason) {
                        EtcdLeaderTerm t = term;
                        if (t != null) {
                            t.end(); // stop acting at once; the workers see it before their next step
                        }
                        transitions.execute(() -> standDown(t, reason));
                    }
                });
    }

    private Election election() {
        return election;
    }

    /** Runs after each transition (tests and metrics). */
    public void onTransition(Runnable r) {
        this.onTransition = r;
    }

    public void start() {
        era.start();
        election.campaign();
    }

    public boolean isLeader() {
        EtcdLeaderTerm t = term;
        return t != null && t.isActive() && work.isLeading();
    }

    public ReplicaIdentity identity() {
        return identity;
    }

    private void lead(EtcdLeaderTerm t) {
        if (!t.isActive()) {
            return;
        }
        t.era(era.read());
        log.info("LEADERSHIP gained: {} leads (key {}, revision {})", identity.id(), t.key().key(),
                t.key().createRevision());
        try {
            work.lead(t);
            // Then say since when we lead (after starting: a takeover should not wait for this write); fenced, so
            // only the holder of the key can write it.
            store.commit(t.fence(Txn.builder().then(Op.put(t.key().key(),
                    identity.since(Instant.now().toString()).toJson(), t.key().leaseId())).build()));
        } catch (StoreException e) {
            log.warn("could not start leading: {}", e.getMessage());
        }
        onTransition.run();
    }

    /** etcd lost history and the era grew: a term of an older era holds a token plugins may have seen exceeded. */
    private void eraRaised(long newEra) {
        EtcdLeaderTerm t = term;
        if (t != null && t.era() >= 0 && t.era() < newEra) { // a term not started yet reads the era itself
            t.relinquish("the leader era rose to " + newEra + " after etcd lost history");
        }
    }

    /** Gives up leading (its work asked): resigns, so a standby takes over, and campaigns again at the back. */
    private void relinquish(String reason) {
        transitions.execute(() -> {
            log.warn("LEADERSHIP given up: {} resigns ({}) and campaigns again", identity.id(), reason);
            election.resign();
            election.campaign();
        });
    }

    /** {@code ended}: the term demoted; a term won again meanwhile (resigned, then elected at once) stays. */
    private void standDown(EtcdLeaderTerm ended, String reason) {
        boolean was = work.isLeading() || ended != null;
        work.standDown();
        synchronized (this) {
            if (term == ended) {
                term = null;
            }
        }
        if (was) {
            log.info("LEADERSHIP lost: {} stopped acting ({})", identity.id(), reason);
        }
        onTransition.run();
    }

    /**
     * Graceful handover: stop acting (abandoning the in-flight step), then delete the election key so a standby
     * takes over at once.
     */
    @Override
    public void close() {
        EtcdLeaderTerm t = term;
        if (t != null) {
            t.end();
        }
        work.standDown();
        if (t != null) {
            term = null;
            // Logged before the key goes: the next leader's "gained" line always comes after this one.
            log.info("LEADERSHIP lost: {} stopped acting (shutting down)", identity.id());
        }
        election.resign();
        election.close();
        era.close();
        transitions.shutdown();
        try {
            transitions.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
