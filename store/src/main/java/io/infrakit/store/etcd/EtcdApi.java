package io.infrakit.store.etcd;

import io.infrakit.store.Store;

/** A {@link Store} on etcd, with etcd's administrative calls that operators and tests make. */
public interface EtcdApi extends Store {

    /**
     * Discards history up to {@code revision}: watches from before it must re-list. etcd can also compact by itself
     * ({@code --auto-compaction-retention}).
     */
    void compact(long revision);

    /** Revokes any lease by id (as an administrator would): its keys disappear and its holder hears it expired. */
    void revokeLease(long leaseId);
}
