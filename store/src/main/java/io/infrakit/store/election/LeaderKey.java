package io.infrakit.store.election;

import io.infrakit.store.Compare;

/** The key that makes this candidate the leader. It stays valid as long as the key keeps its create revision. */
public record LeaderKey(String key, long createRevision, long leaseId) {

    /**
     * A guard for the leader's writes: holds only while this very key exists. Once the key is deleted, expires
     * or is re-created by someone else, every transaction carrying it fails.
     */
    public Compare fence() {
        return Compare.createRevision(key, createRevision);
    }
}
