package io.infrakit.operator.election;

import io.infrakit.store.Txn;
import io.infrakit.store.election.Election;
import io.infrakit.store.election.LeaderKey;
import java.util.function.Consumer;

/**
 * A leader term backed by an etcd election key. Active while the election still holds this key and the lease is
 * provably alive (last confirmed keep-alive + TTL − safety margin): that deadline passes before etcd can expire the
 * lease, so this replica stops before anyone else can be elected. Writes are fenced on the key's create revision.
 */
final class EtcdLeaderTerm implements LeaderTerm {

    private final Election election;
    private final LeaderKey key;
    private final long marginNanos;
    private final Consumer<String> resign;
    private volatile boolean ended;
    /** -1 until the replica starts the term's work. */
    private volatile long era = -1;

    /** @param resign gives up the leadership this term belongs to (the replica resigns and campaigns again) */
    EtcdLeaderTerm(Election election, LeaderKey key, long marginNanos, Consumer<String> resign) {
        this.election = election;
        this.key = key;
        this.marginNanos = marginNanos;
        this.resign = resign;
    }

    @Override
    public boolean isActive() {
        if (ended) {
            return false;
        }
        boolean holds = election.leaderKey().map(key::equals).orElse(false)
                && System.nanoTime() < election.leaseDeadlineNanos() - marginNanos;
        if (!holds) {
            ended = true; // a term never comes back
        }
        return holds;
    }

    void end() {
        ended = true;
    }

    @Override
    public boolean relinquish(String reason) {
        if (!isActive()) {
            return true; // over already: the replica stands down and campaigns by itself
        }
        end();
        resign.accept(reason);
        return true;
    }

    LeaderKey key() {
        return key;
    }

    /** Sets the era this term belongs to, before its work starts ({@link LeaderEra}). */
    void era(long value) {
        era = value;
    }

    long era() {
        return era;
    }

    /** The key's create revision under the era's high bits: it grows from each leader to the next. */
    @Override
    public long token() {
        return LeaderEra.token(Math.max(0, era), key.createRevision());
    }

    @Override
    public Txn fence(Txn txn) {
        return txn.and(key.fence());
    }
}
