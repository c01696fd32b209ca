package io.infrakit.store;

import java.util.List;
import java.util.Optional;

/**
 * Key-value access to etcd, in this project's own terms (no jetcd types leak out). Every call has a deadline and
 * throws {@link StoreException} when etcd does not answer in time.
 */
public interface Store extends AutoCloseable {

    Optional<KeyValue> get(String key);

    /** Every key under the prefix, in key order, with the revision they were read at. */
    Listing list(String prefix);

    /** Writes a key unconditionally; returns the new revision. */
    long put(String key, String value);

    /** Deletes a key; returns whether it existed. */
    boolean delete(String key);

    TxnResult commit(Txn txn);

    /**
     * Watches every key under the prefix. Starts with {@link WatchListener#onResync} (the prefix as of now) when
     * {@code fromRevision} is 0, otherwise with events after {@code fromRevision - 1}. Survives reconnects; when the
     * revision it needs was compacted, re-lists the prefix (onResync) and continues from there.
     *
     * <p>Returns at once: the first listing and the stream are set up in the background, so a watch started while
     * etcd is away reports {@link WatchListener#onDisconnected} and keeps trying. After a break it resumes from the
     * last delivered revision + 1: no event is lost or delivered twice.
     */
    Watch watch(String prefix, long fromRevision, WatchListener listener);

    /**
     * Grants a lease of {@code ttlSeconds} and keeps it alive in the background until it is closed (which revokes
     * it) or etcd reports it gone ({@link LeaseListener#onExpired}). Closing the store stops keep-alives without
     * revoking, as a crashed process would: the lease then expires after its TTL.
     */
    Lease grantLease(long ttlSeconds, LeaseListener listener);

    /**
     * What etcd says of any lease (not only this store's): its granted TTL and the seconds it has left. Empty when
     * it no longer exists (expired or revoked).
     */
    Optional<LeaseTtl> leaseTtl(long leaseId);

    /** The endpoints this store talks to, for messages. */
    String endpoints();

    /**
     * The alarms etcd has raised, as {@code "NOSPACE on member 8e9e05c52164694d"}: while one is raised etcd refuses
     * writes. Empty when none (and for stores that are not etcd).
     */
    default List<String> alarms() {
        return List.of();
    }

    @Override
    void close();

    /** A running watch. Closing it stops events. */
    interface Watch extends AutoCloseable {
        @Override
        void close();
    }
}
