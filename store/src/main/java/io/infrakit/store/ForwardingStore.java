package io.infrakit.store;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A store that passes every call to another: decorators (counting, timing, interleaving in tests) extend it and
 * override only what they change. Closing it closes the store it wraps.
 */
public abstract class ForwardingStore implements Store {

    private final Store delegate;

    protected ForwardingStore(Store delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** The store this one wraps. */
    public Store delegate() {
        return delegate;
    }

    @Override
    public Optional<KeyValue> get(String key) {
        return delegate.get(key);
    }

    @Override
    public Listing list(String prefix) {
        return delegate.list(prefix);
    }

    @Override
    public long put(String key, String value) {
        return delegate.put(key, value);
    }

    @Override
    public boolean delete(String key) {
        return delegate.delete(key);
    }

    @Override
    public TxnResult commit(Txn txn) {
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
    public Optional<LeaseTtl> leaseTtl(long leaseId) {
        return delegate.leaseTtl(leaseId);
    }

    @Override
    public String endpoints() {
        return delegate.endpoints();
    }

    @Override
    public List<String> alarms() {
        return delegate.alarms();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
