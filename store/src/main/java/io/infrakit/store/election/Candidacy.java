package io.infrakit.store.election;

import io.infrakit.store.Compare;
import io.infrakit.store.KeyValue;
import io.infrakit.store.Lease;
import io.infrakit.store.LeaseListener;
import io.infrakit.store.Listing;
import io.infrakit.store.Op;
import io.infrakit.store.Store;
import io.infrakit.store.StoreException;
import io.infrakit.store.Txn;
import io.infrakit.store.TxnResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One candidacy in an election: a fresh lease kept alive, the candidate key {@code <prefix>/<lease id in hex>} bound
 * to it, and a watch on that key. {@link #start} makes all three; {@link #close} revokes the lease, which takes the
 * key with it. The listener hears, from background threads, when etcd confirms the lease and when the key or the
 * lease is gone.
 */
final class Candidacy implements AutoCloseable {

    /** Hears about a candidacy. Calls come from background threads and must return quickly. */
    interface Listener {

        /** etcd confirmed a keep-alive: {@link #deadlineNanos()} moved forward. */
        void onKeepAlive();

        /** The key or the lease is gone: this candidacy is over. */
        void onLost(String reason);
    }

    private static final Logger log = LoggerFactory.getLogger(Candidacy.class);

    private final Store store;
    private final Lease lease;
    private final String key;
    private final long createRevision;
    private final Store.Watch watch;

    private Candidacy(Store store, Lease lease, String key, long createRevision, Store.Watch watch) {
        this.store = store;
        this.lease = lease;
        this.key = key;
        this.createRevision = createRevision;
        this.watch = watch;
    }

    /** Grants a lease, puts the candidate key bound to it and watches the key. Leaves nothing behind if it fails. */
    static Candidacy start(Store store, String keyPrefix, String value, long ttlSeconds, Listener listener) {
        Lease lease = store.grantLease(ttlSeconds, new LeaseListener() {
            @Override
            public void onKeepAlive(Lease alive) {
                listener.onKeepAlive();
            }

            @Override
            public void onExpired(Lease expired) {
                listener.onLost("lease " + Long.toHexString(expired.id()) + " expired");
            }
        });
        try {
            String key = keyPrefix + Long.toHexString(lease.id());
            TxnResult created = store.commit(Txn.builder()
                    .when(Compare.absent(key))
                    .then(Op.put(key, value, lease.id()))
                    .build());
            // The key is named after a fresh lease, so it is absent unless an earlier attempt created it.
            long revision = created.succeeded() ? created.revision()
                    : store.get(key).map(KeyValue::createRevision).orElse(0L);
            if (revision == 0) {
                throw new StoreException("election key " + key + " vanished right after it was created");
            }
            Store.Watch watch = store.watch(key, revision + 1,
                    new KeyGone(key, () -> listener.onLost("election key " + key + " was deleted")));
            return new Candidacy(store, lease, key, revision, watch);
        } catch (RuntimeException e) {
            lease.close(); // revokes: a key put by this attempt goes with it
            throw e;
        }
    }

    String key() {
        return key;
    }

    long createRevision() {
        return createRevision;
    }

    long leaseId() {
        return lease.id();
    }

    /** Until this {@link System#nanoTime()} the lease is provably alive. */
    long deadlineNanos() {
        return lease.deadlineNanos();
    }

    /** The key as it makes this candidate the leader. */
    LeaderKey leaderKey() {
        return new LeaderKey(key, createRevision, lease.id());
    }

    /** Whether the listing holds this very key (not one re-created under the same name). */
    boolean isIn(Listing listing) {
        return listing.kvs().stream().anyMatch(kv -> kv.key().equals(key) && kv.createRevision() == createRevision);
    }

    /** Deletes the key so the next candidate takes over, then closes. */
    void resign() {
        try {
            store.delete(key);
        } catch (StoreException e) {
            log.warn("could not delete election key {} (its lease will expire): {}", key, e.getMessage());
        }
        close();
    }

    /**
     * Closes with the lease revoked off the calling thread: revoking waits for etcd, and an endpoint that does not
     * answer (the one that cost this candidacy, often) would keep the candidate out of the next campaign meanwhile.
     */
    void closeInBackground() {
        watch.close();
        Thread revoke = new Thread(lease::close, "election-revoke-" + Long.toHexString(lease.id()));
        revoke.setDaemon(true);
        revoke.start();
    }

    /** Stops watching the key and revokes the lease: the key goes with it. */
    @Override
    public void close() {
        watch.close();
        lease.close();
    }
}
