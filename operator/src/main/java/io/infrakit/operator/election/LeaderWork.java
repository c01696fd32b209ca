package io.infrakit.operator.election;

/**
 * What a replica runs while it leads: started with each new term, stopped when the term ends. The replica knows
 * nothing else of it (as controller-runtime's manager runs its leader-election runnables); the controller is one.
 */
public interface LeaderWork {

    /** Starts acting for this term. Called on the replica's transition thread. */
    void lead(LeaderTerm term);

    /** Stops acting; when it returns, nothing started for the term still calls out. */
    void standDown();

    /** Whether work for a term is running now. */
    boolean isLeading();
}
