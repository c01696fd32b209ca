package io.infrakit.store.etcd;

import io.etcd.jetcd.lease.LeaseGrantResponse;
import io.infrakit.store.Lease;
import io.infrakit.store.LeaseListener;
import io.infrakit.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A lease with our own keep-alive loop: one request at a time, every TTL/3, retried sooner after a failure. jetcd's
 * shared keep-alive stream drops a lease silently after a missed deadline; this loop instead keeps trying until
 * etcd answers that the lease is gone, and records when each confirmed keep-alive was sent, which is what a leader
 * needs to know how long it may still act.
 */
final class EtcdLease implements Lease {

    private static final Logger log = LoggerFactory.getLogger(EtcdLease.class);

    private final io.etcd.jetcd.Lease client;
    private final Calls calls;
    private final ScheduledExecutorService timer;
    private final long id;
    private final long ttlSeconds;
    private final LeaseListener listener;
    private final Consumer<EtcdLease> onClose;
    private volatile long lastKeepAliveNanos;
    private volatile boolean expired;
    private volatile boolean stopped;

    private EtcdLease(io.etcd.jetcd.Lease client, Calls calls, ScheduledExecutorService timer, long id,
                      long ttlSeconds, long grantSentNanos, LeaseListener listener, Consumer<EtcdLease> onClose) {
        this.client = client;
        this.calls = calls;
        this.timer = timer;
        this.id = id;
        this.ttlSeconds = ttlSeconds;
        this.lastKeepAliveNanos = grantSentNanos;
        this.listener = listener;
        this.onClose = onClose;
    }

    static EtcdLease grant(io.etcd.jetcd.Lease client, Calls calls, ScheduledExecutorService timer, long ttlSeconds,
                           LeaseListener listener, Consumer<EtcdLease> onClose) {
        long sent = System.nanoTime();
        LeaseGrantResponse r = calls.await(client.grant(ttlSeconds), "grant lease");
        EtcdLease lease = new EtcdLease(client, calls, timer, r.getID(), r.getTTL(), sent, listener, onClose);
        lease.schedule(lease.interval());
        return lease;
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public long ttlSeconds() {
        return ttlSeconds;
    }

    @Override
    public long lastKeepAliveNanos() {
        return lastKeepAliveNanos;
    }

    @Override
    public boolean isExpired() {
        return expired;
    }

    private long interval() {
        return Math.max(100, ttlSeconds * 1000 / 3);
    }

    private void schedule(long delayMillis) {
        if (stopped) {
            return;
        }
        try {
            timer.schedule(this::keepAlive, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // the store is closing
        }
    }

    private void keepAlive() {
        if (stopped) {
            return;
        }
        long sent = System.nanoTime();
        client.keepAliveOnce(id)
                .orTimeout(Math.min(calls.timeout().toMillis(), ttlSeconds * 1000), TimeUnit.MILLISECONDS)
                .whenCompleteAsync((r, error) -> {
                    if (stopped) {
                        return;
                    }
                    if (error == null) {
                        lastKeepAliveNanos = sent;
                        notify(() -> listener.onKeepAlive(this));
                        schedule(interval());
                    } else if (Calls.isNotFound(error)) {
                        log.info("lease {} expired", Long.toHexString(id));
                        expired = true;
                        stopped = true;
                        onClose.accept(this);
                        notify(() -> listener.onExpired(this));
                    } else {
                        Throwable cause = Calls.unwrap(error);
                        log.debug("keep-alive of lease {} failed: {}", Long.toHexString(id), cause.toString());
                        notify(() -> listener.onKeepAliveFailed(this, cause));
                        schedule(Math.max(100, interval() / 3));
                    }
                }, timer);
    }

    private static void notify(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            log.error("lease listener failed", e);
        }
    }

    /** Stops keeping the lease alive without revoking it. */
    void abandon() {
        stopped = true;
        onClose.accept(this);
    }

    @Override
    public void close() {
        if (stopped) {
            return;
        }
        abandon();
        if (expired) {
            return;
        }
        try {
            calls.await(client.revoke(id), "revoke lease");
        } catch (StoreException e) {
            if (!Calls.isNotFound(e)) {
                log.warn("could not revoke lease {} (it will expire in {}s): {}", Long.toHexString(id),
                        ttlSeconds, e.getMessage());
            }
        }
    }
}
