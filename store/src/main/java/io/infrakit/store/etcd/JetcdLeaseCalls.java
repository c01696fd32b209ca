package io.infrakit.store.etcd;

import io.etcd.jetcd.Lease;
import io.etcd.jetcd.lease.LeaseGrantResponse;
import io.etcd.jetcd.lease.LeaseTimeToLiveResponse;
import io.etcd.jetcd.options.LeaseOption;
import io.infrakit.store.LeaseTtl;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongConsumer;

/** Lease calls through jetcd, with the store's deadlines. */
final class JetcdLeaseCalls implements LeaseCalls {

    private final Lease client;
    private final Calls calls;
    private final LongConsumer onTimeout;

    /** @param onTimeout connects afresh after a keep-alive sent at the given time got no answer */
    JetcdLeaseCalls(Lease client, Calls calls, LongConsumer onTimeout) {
        this.client = client;
        this.calls = calls;
        this.onTimeout = onTimeout;
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
    public Optional<LeaseTtl> timeToLive(long id) {
        LeaseTimeToLiveResponse r = calls.await(client.timeToLive(id, LeaseOption.DEFAULT),
                "lease time-to-live " + Long.toHexString(id));
        // etcd answers TTL -1 for a lease it does not know (expired or revoked).
        return r.getTTL() < 0 ? Optional.empty() : Optional.of(new LeaseTtl(r.getGrantedTTL(), r.getTTL()));
    }

    @Override
    public boolean isNotFound(Throwable error) {
        return Calls.isNotFound(error);
    }

    @Override
    public void timedOut(long sentNanos) {
        onTimeout.accept(sentNanos);
    }

    @Override
    public Duration timeout() {
        return calls.timeout();
    }
}
