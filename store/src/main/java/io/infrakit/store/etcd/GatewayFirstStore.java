package io.infrakit.store.etcd;

import io.infrakit.store.KeyValue;
import io.infrakit.store.Lease;
import io.infrakit.store.LeaseListener;
import io.infrakit.store.LeaseTtl;
import io.infrakit.store.Listing;
import io.infrakit.store.StoreConfig;
import io.infrakit.store.Txn;
import io.infrakit.store.TxnResult;
import io.infrakit.store.WatchListener;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link EtcdHttpStore} for a quick start, and {@link EtcdStore} where etcd does not serve this client through its
 * gateway: with client certificates required and etcd's users on, etcd refuses a certificate that carries a common
 * name at the gateway, because the gateway could not pass that identity on. Decided at the first request; the
 * store then stays with what worked.
 */
public final class GatewayFirstStore implements EtcdApi {

    private static final Logger log = LoggerFactory.getLogger(GatewayFirstStore.class);

    private final StoreConfig config;
    private volatile EtcdApi current;
    private volatile boolean settled;

    public GatewayFirstStore(StoreConfig config) {
        this.config = config;
        this.current = new EtcdHttpStore(config);
    }

    /** The store in use: an {@link EtcdHttpStore}, unless etcd refused it. */
    public EtcdApi current() {
        return current;
    }

    private <T> T run(Function<EtcdApi, T> call) {
        EtcdApi store = current;
        try {
            T result = call.apply(store);
            settled = true;
            return result;
        } catch (GatewayCalls.GatewayRefused e) {
            return call.apply(grpc(store, e));
        }
    }

    private synchronized EtcdApi grpc(EtcdApi refused, GatewayCalls.GatewayRefused why) {
        if (current == refused) {
            log.debug("using gRPC: {}", why.getMessage());
            refused.close();
            current = new EtcdStore(config);
        }
        return current;
    }

    @Override
    public Optional<KeyValue> get(String key) {
        return run(s -> s.get(key));
    }

    @Override
    public Listing list(String prefix) {
        return run(s -> s.list(prefix));
    }

    @Override
    public long put(String key, String value) {
        return run(s -> s.put(key, value));
    }

    @Override
    public boolean delete(String key) {
        return run(s -> s.delete(key));
    }

    @Override
    public TxnResult commit(Txn txn) {
        return run(s -> s.commit(txn));
    }

    @Override
    public Watch watch(String prefix, long fromRevision, WatchListener listener) {
        if (!settled) {
            run(s -> s.get(prefix)); // a watch starts in the background: learn first which client etcd serves
        }
        return current.watch(prefix, fromRevision, listener);
    }

    @Override
    public Lease grantLease(long ttlSeconds, LeaseListener listener) {
        return run(s -> s.grantLease(ttlSeconds, listener));
    }

    @Override
    public Optional<LeaseTtl> leaseTtl(long leaseId) {
        return run(s -> s.leaseTtl(leaseId));
    }

    @Override
    public void compact(long revision) {
        run(s -> {
            s.compact(revision);
            return null;
        });
    }

    @Override
    public void revokeLease(long leaseId) {
        run(s -> {
            s.revokeLease(leaseId);
            return null;
        });
    }

    @Override
    public String endpoints() {
        return current.endpoints();
    }

    @Override
    public void close() {
        current.close();
    }
}
