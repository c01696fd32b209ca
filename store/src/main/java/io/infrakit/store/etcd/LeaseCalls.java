package io.infrakit.store.etcd;

import io.infrakit.store.LeaseTtl;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** etcd's lease calls, as a client makes them (jetcd over gRPC, or the JSON gateway). */
interface LeaseCalls {

    /** A lease etcd granted: its id and the TTL it gave (it may raise a requested TTL to its minimum). */
    record Granted(long id, long ttlSeconds) {
    }

    /** @throws io.infrakit.store.StoreException when etcd does not grant it in time */
    Granted grant(long ttlSeconds);

    /** One keep-alive; fails with an error that {@link #isNotFound} recognises when the lease is gone. */
    CompletableFuture<?> keepAliveOnce(long id);

    /** @throws io.infrakit.store.StoreException when etcd does not answer in time */
    void revoke(long id);

    /** What etcd says is left of a lease; empty when it does not know it (expired or revoked). */
    Optional<LeaseTtl> timeToLive(long id);

    /** Whether etcd answered that the lease does not exist. */
    boolean isNotFound(Throwable error);

    /**
     * A keep-alive sent at {@code sentNanos} ({@link System#nanoTime()}) got no answer in time: the member it went to
     * may have stopped answering while its connection stays up. Connects afresh, where the client can, so that the
     * next request goes to a member that answers.
     */
    default void timedOut(long sentNanos) {
    }

    /** The request timeout. */
    Duration timeout();
}
