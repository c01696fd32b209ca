package io.infrakit.operator.metrics;

import io.infrakit.store.KeyValue;
import io.infrakit.store.Lease;
import io.infrakit.store.LeaseListener;
import io.infrakit.store.LeaseTtl;
import io.infrakit.store.Listing;
import io.infrakit.store.Store;
import io.infrakit.store.Txn;
import io.infrakit.store.TxnResult;
import io.infrakit.store.WatchListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * A {@link Store} that times each request: {@code infrakit_etcd_request_duration_seconds{op}} and
 * {@code infrakit_etcd_request_errors_total{op}}, op being get, list, put, delete, txn, lease_grant, lease_ttl or watch (the
 * start of a watch; its stream is not a request). Closing it closes the store it wraps.
 */
public final class MeteredStore implements Store {

    private final Store store;
    private final MeterRegistry registry;
    private final Map<String, CallMeters> ops = new ConcurrentHashMap<>();

    public MeteredStore(Store store, MeterRegistry registry) {
        this.store = store;
        this.registry = registry;
        for (String op : new String[] {"get", "list", "put", "delete", "txn"}) {
            op(op);
        }
    }

    @Override
    public Optional<KeyValue> get(String key) {
        return time("get", () -> store.get(key));
    }

    @Override
    public Listing list(String prefix) {
        return time("list", () -> store.list(prefix));
    }

    @Override
    public long put(String key, String value) {
        return time("put", () -> store.put(key, value));
    }

    @Override
    public boolean delete(String key) {
        return time("delete", () -> store.delete(key));
    }

    @Override
    public TxnResult commit(Txn txn) {
        return time("txn", () -> store.commit(txn));
    }

    @Override
    public Watch watch(String prefix, long fromRevision, WatchListener listener) {
        return time("watch", () -> store.watch(prefix, fromRevision, listener));
    }

    @Override
    public Lease grantLease(long ttlSeconds, LeaseListener listener) {
        return time("lease_grant", () -> store.grantLease(ttlSeconds, listener));
    }

    @Override
    public Optional<LeaseTtl> leaseTtl(long leaseId) {
        return time("lease_ttl", () -> store.leaseTtl(leaseId));
    }

    @Override
    public String endpoints() {
        return store.endpoints();
    }

    @Override
    public List<String> alarms() {
        return store.alarms();
    }

    /** The store this one wraps. */
    public Store delegate() {
        return store;
    }

    @Override
    public void close() {
        store.close();
    }

    private <T> T time(String name, Supplier<T> call) {
        return op(name).time(call);
    }

    private CallMeters op(String name) {
        return ops.computeIfAbsent(name, n -> new CallMeters(
                Timer.builder("infrakit_etcd_request_duration").description("etcd requests of this replica")
                        .tag("op", n).serviceLevelObjectives(Buckets.ETCD).register(registry),
                Counter.builder("infrakit_etcd_request_errors").description("etcd requests that failed")
                        .tag("op", n).register(registry)));
    }
}
