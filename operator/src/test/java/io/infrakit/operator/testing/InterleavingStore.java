package io.infrakit.operator.testing;

import io.infrakit.store.ForwardingStore;
import io.infrakit.store.Store;
import io.infrakit.store.Txn;
import io.infrakit.store.TxnResult;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real store that runs one action just before the next transaction: a concurrent writer (an {@code etcdctl put})
 * landing between a sync's read and its write, at a moment a test can rely on.
 */
public final class InterleavingStore extends ForwardingStore {

    private final AtomicReference<Runnable> beforeCommit = new AtomicReference<>();

    public InterleavingStore(Store store) {
        super(store);
    }

    public void beforeNextCommit(Runnable action) {
        beforeCommit.set(action);
    }

    @Override
    public TxnResult commit(Txn txn) {
        Runnable action = beforeCommit.getAndSet(null);
        if (action != null) {
            action.run();
        }
        return super.commit(txn);
    }
}
