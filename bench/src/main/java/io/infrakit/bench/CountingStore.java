package io.infrakit.bench;

import io.infrakit.store.ForwardingStore;
import io.infrakit.store.KeyValue;
import io.infrakit.store.Listing;
import io.infrakit.store.Store;
import io.infrakit.store.Txn;
import io.infrakit.store.TxnResult;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/** A store that counts the requests made through it (reads and writes apart). */
final class CountingStore extends ForwardingStore {

    final LongAdder reads = new LongAdder();
    final LongAdder writes = new LongAdder();

    CountingStore(Store delegate) {
        super(delegate);
    }

    long requests() {
        return reads.sum() + writes.sum();
    }

    @Override
    public Optional<KeyValue> get(String key) {
        reads.increment();
        return super.get(key);
    }

    @Override
    public Listing list(String prefix) {
        reads.increment();
        return super.list(prefix);
    }

    @Override
    public long put(String key, String value) {
        writes.increment();
        return super.put(key, value);
    }

    @Override
    public boolean delete(String key) {
        writes.increment();
        return super.delete(key);
    }

    @Override
    public TxnResult commit(Txn txn) {
        writes.increment();
        return super.commit(txn);
    }
}
