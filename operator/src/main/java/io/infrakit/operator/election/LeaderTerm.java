package io.infrakit.operator.election;

import io.infrakit.store.Txn;

/**
 * One continuous period of leadership. Everything the leader does to the world goes through its term: plugin calls
 * are preceded by {@link #checkActive()}, etcd writes are {@link #fence fenced}. Once a term ends it never becomes
 * active again; a new election gives a new term.
 */
public interface LeaderTerm {

    /** Whether this replica can still prove it leads (its local deadline has not passed). */
    boolean isActive();

    /** Throws {@link LostLeadershipException} when the term is over. */
    default void checkActive() {
        if (!isActive()) {
            throw new LostLeadershipException("leadership lost");
        }
    }

    /**
     * This term's fencing token for plugins: a number that grows from each leader to the next (the election key's
     * create revision: the next leader's key is always younger; under the high bits of the leader era, which grows
     * when etcd loses history). 0 for a term without an election: plugins do not fence its calls.
     */
    default long token() {
        return 0;
    }

    /** The transaction with a guard that fails it unless this term's leader key still exists unchanged. */
    Txn fence(Txn txn);

    /**
     * Gives the term up because the work for it failed in a way that may have left it unsound (an {@code Error} in
     * a worker): the replica resigns and campaigns again, so another replica, or this one afresh, leads. Returns
     * whether it will; false for a term without an election, whose holder restarts its work itself.
     */
    default boolean relinquish(String reason) {
        return false;
    }

    /** A term that never ends and fences nothing: a controller run without an election (tests, benchmarks). */
    static LeaderTerm standalone() {
        return new LeaderTerm() {
            @Override
            public boolean isActive() {
                return true;
            }

            @Override
            public Txn fence(Txn txn) {
                return txn;
            }
        };
    }
}
