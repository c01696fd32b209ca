package io.infrakit.operator.controller;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WorkQueueTest {

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final WorkQueue<String> queue = new WorkQueue<>(scheduler, Duration.ofMillis(10), Duration.ofMillis(80));

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
    void backoffDoublesAndIsCapped() {
        assertThat(queue.backoff(1)).isBetween(Duration.ofMillis(10), Duration.ofMillis(11));
        assertThat(queue.backoff(2)).isBetween(Duration.ofMillis(20), Duration.ofMillis(22));
        assertThat(queue.backoff(3)).isBetween(Duration.ofMillis(40), Duration.ofMillis(44));
        assertThat(queue.backoff(30)).isEqualTo(Duration.ofMillis(80));
    }

    @Test
    void failedKeyComesBackAfterItsBackoffAndForgetResets() throws InterruptedException {
        long start = System.nanoTime();
        queue.addWithBackoff("a");
        queue.addWithBackoff("a");
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
