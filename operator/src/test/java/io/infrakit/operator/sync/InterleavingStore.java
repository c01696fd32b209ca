package io.infrakit.operator.sync;

import io.infrakit.store.KeyValue;
import io.infrakit.store.Lease;
import io.infrakit.store.LeaseListener;
import io.infrakit.store.Listing;
import io.infrakit.store.Store;
import io.infrakit.store.Txn;
import io.infrakit.store.TxnResult;
import io.infrakit.store.WatchListener;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real store that runs one action just before the next transaction: a concurrent writer (an {@code etcdctl put})
 * landing between a sync's read and its write, at a moment a test can rely on.
 */
final class InterleavingStore implements Store {

    private final Store store;
    private final AtomicReference<Runnable> beforeCommit = new AtomicReference<>();

    InterleavingStore(Store store) {
        this.store = store;
    }

    void beforeNextCommit(Runnable action) {
        beforeCommit.set(action);
    }

    @Override
    public TxnResult commit(Txn txn) {
        Runnable action = beforeCommit.getAndSet(null);
        if (action != null) {
            action.run();
        }
        return store.commit(txn);
    }

    @Override
    public Optional<KeyValue> get(String key) {
        return store.get(key);
    }

    @Override
    public Listing list(String prefix) {
        return store.list(prefix);
    }

    @Override
    public long put(String key, String value) {
        return store.put(key, value);
    }

    @Override
    public boolean delete(String key) {
        return store.delete(key);
    }

    @Override
    public Watch watch(String prefix, long fromRevision, WatchListener listener) {
        return store.watch(prefix, fromRevision, listener);
    }

    @Override
    public Lease grantLease(long ttlSeconds, LeaseListener listener) {
        return store.grantLease(ttlSeconds, listener);
    }

    @Override
    public String endpoints() {
        return store.endpoints();
    }

    @Override
    public void close() {
        store.close();
    }
}
