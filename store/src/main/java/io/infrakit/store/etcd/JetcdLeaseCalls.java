package io.infrakit.store.etcd;

import io.etcd.jetcd.Lease;
import io.etcd.jetcd.lease.LeaseGrantResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** Lease calls through jetcd, with the store's deadlines. */
final class JetcdLeaseCalls implements LeaseCalls {

    private final Lease client;
    private final Calls calls;

    JetcdLeaseCalls(Lease client, Calls calls) {
        this.client = client;
        this.calls = calls;
    }

    @Override
    public Granted grant(long ttlSeconds) {
        LeaseGrantResponse r = calls.await(client.grant(ttlSeconds), "grant lease");
        return new Granted(r.getID(), r.getTTL());
    }

    @Override
    public CompletableFuture<?> keepAliveOnce(long id) {
        return client.keepAliveOnce(id);
    }

    @Override
    public void revoke(long id) {
        calls.await(client.revoke(id), "revoke lease " + Long.toHexString(id));
    }

    @Override
    public boolean isNotFound(Throwable error) {
        return Calls.isNotFound(error);
    }

    @Override
    public Duration timeout() {
        return calls.timeout();
    }
}
