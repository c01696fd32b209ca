package io.infrakit.store.election;

/** Hears an {@link Election}'s outcome. Calls come from the election's thread, one at a time; return quickly. */
public interface ElectionListener {

    /** This candidate is now the leader. Fence every write with {@link LeaderKey#fence()}. */
    void onElected(LeaderKey key);

    /**
     * This candidate is no longer the leader (it resigned, its key or lease is gone, or its lease could not be
     * confirmed in time). Stop acting as leader at once. Unless it resigned, the candidate campaigns again.
     */
    void onDemoted(String reason);
}
