package io.infrakit.operator.testing;

import io.infrakit.store.Compare;
import io.infrakit.store.KeyValue;
import io.infrakit.store.Lease;
import io.infrakit.store.LeaseListener;
import io.infrakit.store.LeaseTtl;
import io.infrakit.store.Listing;
import io.infrakit.store.Op;
import io.infrakit.store.Store;
import io.infrakit.store.Txn;
import io.infrakit.store.TxnResult;
import io.infrakit.store.WatchListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A key-value map with revisions and transactions, for unit tests of logic that writes through a {@link Store}
 * (no watches, no leases: what needs those is tested against a real etcd). Counts the transactions it commits.
 */
public final class MemoryStore implements Store {

    private final TreeMap<String, KeyValue> kvs = new TreeMap<>();
    private long revision = 1;
    private int commits;

    @Override
    public synchronized Optional<KeyValue> get(String key) {
        return Optional.ofNullable(kvs.get(key));
    }

    @Override
    public synchronized Listing list(String prefix) {
        List<KeyValue> out = new ArrayList<>();
        kvs.tailMap(prefix).forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.add(v);
            }
        });
        return new Listing(out, revision);
    }

    @Override
    public synchronized long put(String key, String value) {
        return commit(Txn.builder().then(Op.put(key, value)).build()).revision();
    }

    @Override
    public synchronized boolean delete(String key) {
        boolean had = kvs.containsKey(key);
        commit(Txn.builder().then(Op.delete(key)).build());
        return had;
    }

    @Override
    public synchronized TxnResult commit(Txn txn) {
        commits++;
        boolean ok = txn.compares().stream().allMatch(this::holds);
        List<Op> ops = ok ? txn.then() : txn.otherwise();
        if (!ops.isEmpty()) {
            revision++;
        }
        for (Op op : ops) {
            switch (op.kind()) {
                case PUT -> {
                    KeyValue old = kvs.get(op.key());
                    kvs.put(op.key(), new KeyValue(op.key(), op.value(), old == null ? revision : old.createRevision(),
                            revision, old == null ? 1 : old.version() + 1));
                }
                case DELETE -> kvs.remove(op.key());
                case DELETE_PREFIX -> kvs.keySet().removeIf(k -> k.startsWith(op.key()));
                default -> throw new IllegalStateException();
            }
        }
        return new TxnResult(ok, revision);
    }

    /** Transactions committed so far (each write is one). */
    public synchronized int commits() {
        return commits;
    }

    private boolean holds(Compare c) {
        KeyValue kv = kvs.get(c.key());
        long actual = kv == null ? 0 : c.target() == Compare.Target.MOD_REVISION ? kv.modRevision() : kv.createRevision();
        return actual == c.expected();
    }

    @Override
    public Watch watch(String prefix, long fromRevision, WatchListener listener) {
        throw new UnsupportedOperationException("watches need a real etcd");
    }

    @Override
    public Lease grantLease(long ttlSeconds, LeaseListener listener) {
        throw new UnsupportedOperationException("leases need a real etcd");
    }

    @Override
    public Optional<LeaseTtl> leaseTtl(long leaseId) {
        throw new UnsupportedOperationException("leases need a real etcd");
    }

    @Override
    public String endpoints() {
        return "memory";
    }

    @Override
    public void close() {
    }
}
