package io.infrakit.store;

/** Hears about a lease's keep-alive. Calls come from a background thread and must return quickly. */
public interface LeaseListener {

    LeaseListener NONE = new LeaseListener() {
    };

    /** etcd confirmed a keep-alive; {@link Lease#lastKeepAliveNanos()} moved forward. */
    default void onKeepAlive(Lease lease) {
    }

    /** A keep-alive attempt failed (etcd unreachable or without a leader); it is retried. */
    default void onKeepAliveFailed(Lease lease, Throwable cause) {
    }

    /** etcd no longer knows the lease: it expired or was revoked, and its keys are gone. Called once; final. */
    default void onExpired(Lease lease) {
    }
}
