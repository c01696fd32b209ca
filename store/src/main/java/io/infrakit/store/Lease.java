package io.infrakit.store;

import java.util.concurrent.TimeUnit;

/**
 * An etcd lease kept alive in the background. Keys put with its id disappear when it expires or is revoked.
 * Closing it stops the keep-alive and revokes it.
 */
public interface Lease extends AutoCloseable {

    long id();

    /** The TTL etcd granted (it may raise a requested TTL to its minimum). */
    long ttlSeconds();

    /**
     * {@link System#nanoTime()} at which the last confirmed keep-alive (or the grant) was <em>sent</em>. etcd
     * extended the lease after that moment, so the lease is certainly alive until {@link #deadlineNanos()}.
     */
    long lastKeepAliveNanos();

    /** Until this {@link System#nanoTime()} the lease is provably alive, from this client's point of view. */
    default long deadlineNanos() {
        return lastKeepAliveNanos() + TimeUnit.SECONDS.toNanos(ttlSeconds());
    }

    /** etcd said the lease no longer exists (it expired or was revoked). Final. */
    boolean isExpired();

    /** Stops the keep-alive and revokes the lease (best effort: if etcd is unreachable it expires by itself). */
    @Override
    void close();
}
