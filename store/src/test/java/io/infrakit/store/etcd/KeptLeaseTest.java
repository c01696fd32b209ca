package io.infrakit.store.etcd;

import io.infrakit.store.Lease;
import io.infrakit.store.LeaseListener;
import io.infrakit.store.LeaseTtl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The keep-alive loop's timing, on scripted lease calls: what a keep-alive that gets no answer costs. (Against a real
 * etcd member that stops answering: {@code EtcdSilentMemberIT}.)
 */
class KeptLeaseTest {

    private static final long TTL = 3;

    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    /**
     * The first keep-alive goes where nothing answers (a silent etcd member) and the request timeout is longer than
     * the TTL: the keep-alive gives up after TTL/3, asks for fresh connections, and the next one, sent at once, holds
     * the lease before it lapses.
     */
    @Test
    void aKeepAliveWithoutAnswerIsRetriedOnFreshConnectionsWellWithinTheTtl() throws Exception {
        ScriptedCalls calls = new ScriptedCalls(Duration.ofSeconds(5));
        CountDownLatch confirmed = new CountDownLatch(1);
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        long granted = System.nanoTime();
        KeptLease lease = KeptLease.grant(calls, timer, TTL, new LeaseListener() {
            @Override
            public void onKeepAlive(Lease l) {
                confirmed.countDown();
            }

            @Override
            public void onKeepAliveFailed(Lease l, Throwable cause) {
                failures.add(cause);
            }
        }, l -> { });

        assertThat(confirmed.await(TTL * 2, TimeUnit.SECONDS)).isTrue();
        long confirmedAfter = (lease.lastKeepAliveNanos() - granted) / 1_000_000;
        System.out.printf("keep-alive without answer: the lease confirmed by one sent %d ms after the grant "
                + "(TTL %d s)%n", confirmedAfter, TTL);
        assertThat(failures).hasSize(1);
        assertThat(calls.sent).hasSize(2);
        assertThat(calls.timedOut).as("fresh connections asked for, naming when the keep-alive without answer went")
                .singleElement().satisfies(at -> assertThat(at).isBetween(granted, calls.sent.get(0)));
        // Sent before the lease could lapse, with time to spare for etcd to receive it.
        assertThat(confirmedAfter).isLessThan(TTL * 1000 - 250);
        assertThat(lease.isExpired()).isFalse();
        lease.abandon();
    }

    /** Lease calls whose first keep-alive is never answered; every later one is. */
    private static final class ScriptedCalls implements LeaseCalls {
        final List<Long> sent = new CopyOnWriteArrayList<>();
        final List<Long> timedOut = new CopyOnWriteArrayList<>();
        private final Duration timeout;

        ScriptedCalls(Duration timeout) {
            this.timeout = timeout;
        }

        @Override
        public Granted grant(long ttlSeconds) {
            return new Granted(0x1eafL, ttlSeconds);
        }

        @Override
        public CompletableFuture<?> keepAliveOnce(long id) {
            sent.add(System.nanoTime());
            return sent.size() == 1 ? new CompletableFuture<>() : CompletableFuture.completedFuture(null);
        }

        @Override
        public void timedOut(long sentNanos) {
            timedOut.add(sentNanos);
        }

        @Override
        public void revoke(long id) {
        }

        @Override
        public Optional<LeaseTtl> timeToLive(long id) {
            return Optional.empty();
        }

        @Override
        public boolean isNotFound(Throwable error) {
            return false;
        }

        @Override
        public Duration timeout() {
            return timeout;
        }
    }
}
