package io.infrakit.store.etcd;

import io.infrakit.store.Lease;
import io.infrakit.store.LeaseListener;
import io.infrakit.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A lease with our own keep-alive loop: one request at a time, every TTL/3, retried sooner after a failure. jetcd's
 * shared keep-alive stream drops a lease silently after a missed deadline; this loop instead keeps trying until
 * etcd answers that the lease is gone, and records when each confirmed keep-alive was sent, which is what a leader
 * needs to know how long it may still act.
 *
 * <p>A keep-alive gets no more than TTL/3 to be answered. One sent to an etcd member that stopped answering while its
 * connection stays up would otherwise wait out the request timeout (as long as a short TTL, or longer), and the
 * lease would lapse while other members answer. After such a timeout the client connects afresh ({@link
 * LeaseCalls#timedOut}, which leaves the silent member out) and the keep-alive is sent again at once: two tries fit
 * in the TTL.
 */
final class KeptLease implements Lease {

    private static final Logger log = LoggerFactory.getLogger(KeptLease.class);
    private static final long RETRY_AFTER_TIMEOUT_MS = 50;

    private final LeaseCalls calls;
    private final ScheduledExecutorService timer;
    private final long id;
    private final long ttlSeconds;
    private final LeaseListener listener;
    private final Consumer<KeptLease> onClose;
    private volatile long lastKeepAliveNanos;
    private volatile boolean expired;
    private volatile boolean stopped;

    private KeptLease(LeaseCalls calls, ScheduledExecutorService timer, long id, long ttlSeconds,
                      long grantSentNanos, LeaseListener listener, Consumer<KeptLease> onClose) {
        this.calls = calls;
        this.timer = timer;
        this.id = id;
        this.ttlSeconds = ttlSeconds;
        this.lastKeepAliveNanos = grantSentNanos;
        this.listener = listener;
        this.onClose = onClose;
    }

    static KeptLease grant(LeaseCalls calls, ScheduledExecutorService timer, long ttlSeconds, LeaseListener listener,
                           Consumer<KeptLease> onClose) {
        long sent = System.nanoTime();
        LeaseCalls.Granted r = calls.grant(ttlSeconds);
        KeptLease lease = new KeptLease(calls, timer, r.id(), r.ttlSeconds(), sent, listener, onClose);
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
        calls.keepAliveOnce(id)
                .orTimeout(Math.min(calls.timeout().toMillis(), interval()), TimeUnit.MILLISECONDS)
                .whenCompleteAsync((r, error) -> {
                    if (stopped) {
                        return;
                    }
                    if (error == null) {
                        lastKeepAliveNanos = sent;
                        notify(() -> listener.onKeepAlive(this));
                        schedule(interval());
                    } else if (calls.isNotFound(error)) {
                        log.info("lease {} expired", Long.toHexString(id));
                        expired = true;
                        stopped = true;
                        onClose.accept(this);
                        notify(() -> listener.onExpired(this));
                    } else {
                        Throwable cause = unwrap(error);
                        log.debug("keep-alive of lease {} failed: {}", Long.toHexString(id), cause.toString());
                        notify(() -> listener.onKeepAliveFailed(this, cause));
                        if (cause instanceof TimeoutException) {
                            // No answer: whoever got it may be silent. On fresh connections, try again now
                            // (the wait was the pause).
                            calls.timedOut(sent);
                            schedule(RETRY_AFTER_TIMEOUT_MS);
                        } else {
                            schedule(Math.max(100, interval() / 3));
                        }
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
            calls.revoke(id);
        } catch (StoreException e) {
            if (!calls.isNotFound(e)) {
                log.warn("could not revoke lease {} (it will expire in {}s): {}", Long.toHexString(id),
                        ttlSeconds, e.getMessage());
            }
        }
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
