package io.infrakit.operator.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.infrakit.store.Backoff;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WorkQueueTest {

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final WorkQueue<String> queue = new WorkQueue<>(scheduler,
            RateLimiter.perKey(Backoff.exponential(Duration.ofMillis(10), Duration.ofMillis(80)).withJitter(0.1)));

    @AfterEach
    void tearDown() {
        queue.close();
        scheduler.shutdownNow();
    }

    @Test
    void holdsEachKeyOnce() throws InterruptedException {
        queue.add("a");
        queue.add("b");
        queue.add("a");
        assertThat(queue.depth()).isEqualTo(2);
        assertThat(queue.take()).isEqualTo("a");
        assertThat(queue.take()).isEqualTo("b");
    }

    @Test
    void keyAddedWhileProcessingIsHandedOutOnlyAfterDone() throws InterruptedException {
        queue.add("a");
        String k = queue.take();
        queue.add("a");
        assertThat(queue.depth()).as("not given to a second worker while the first holds it").isZero();
        queue.done(k);
        assertThat(queue.depth()).isEqualTo(1);
        assertThat(queue.take()).isEqualTo("a");
    }

    @Test
    void failuresAreDelayedByTheQueuesRateLimiter() {
        assertThat(queue.addRateLimited("b")).isBetween(Duration.ofMillis(10), Duration.ofMillis(11));
        assertThat(queue.addRateLimited("b")).isBetween(Duration.ofMillis(20), Duration.ofMillis(22));
        assertThat(queue.addRateLimited("c")).as("per key").isBetween(Duration.ofMillis(10), Duration.ofMillis(11));
    }

    @Test
    void failedKeyComesBackAfterItsBackoffAndForgetResets() throws InterruptedException {
        long start = System.nanoTime();
        queue.addRateLimited("a");
        queue.addRateLimited("a");
        assertThat(queue.failures("a")).isEqualTo(2);
        assertThat(queue.take()).isEqualTo("a");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(10);
        queue.forget("a");
        assertThat(queue.failures("a")).isZero();
    }

    @Test
    void closeWakesWaitingWorkersWithNull() throws Exception {
        var taker = Executors.newSingleThreadExecutor();
        try {
            var result = taker.submit(queue::take);
            Thread.sleep(20);
            queue.close();
            assertThat(result.get(1, TimeUnit.SECONDS)).isNull();
        } finally {
            taker.shutdownNow();
        }
    }
}
