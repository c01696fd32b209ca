package io.infrakit.bench;

import io.infrakit.store.KeyValue;
import io.infrakit.store.Lease;
import io.infrakit.store.LeaseListener;
import io.infrakit.store.Listing;
import io.infrakit.store.Store;
import io.infrakit.store.Txn;
import io.infrakit.store.TxnResult;
import io.infrakit.store.WatchListener;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/** A store that counts the requests made through it (reads and writes apart). */
final class CountingStore implements Store {

    final LongAdder reads = new LongAdder();
    final LongAdder writes = new LongAdder();
    private final Store delegate;

    CountingStore(Store delegate) {
        this.delegate = delegate;
    }

    long requests() {
        return reads.sum() + writes.sum();
    }

    @Override
    public Optional<KeyValue> get(String key) {
        reads.increment();
        return delegate.get(key);
    }

    @Override
    public Listing list(String prefix) {
        reads.increment();
        return delegate.list(prefix);
    }

    @Override
    public long put(String key, String value) {
        writes.increment();
        return delegate.put(key, value);
    }

    @Override
    public boolean delete(String key) {
        writes.increment();
        return delegate.delete(key);
    }

    @Override
    public TxnResult commit(Txn txn) {
        writes.increment();
        return delegate.commit(txn);
    }

    @Override
    public Watch watch(String prefix, long fromRevision, WatchListener listener) {
        return delegate.watch(prefix, fromRevision, listener);
    }

    @Override
    public Lease grantLease(long ttlSeconds, LeaseListener listener) {
        return delegate.grantLease(ttlSeconds, listener);
    }

    @Override
    public String endpoints() {
        return delegate.endpoints();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
