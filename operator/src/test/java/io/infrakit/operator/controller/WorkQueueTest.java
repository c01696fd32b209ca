package io.infrakit.operator.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.infrakit.store.Backoff;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
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
    void aKeyWaitsForOneDelayedAddTheEarliest() throws InterruptedException {
        queue.addAfter("a", Duration.ofMillis(300));
        queue.addAfter("a", Duration.ofMillis(30));
        queue.addAfter("a", Duration.ofMillis(200));
        long start = System.nanoTime();
        assertThat(queue.take()).isEqualTo("a");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(200);
        queue.done("a");
        Thread.sleep(400);
        assertThat(queue.depth()).as("the later adds were dropped, not left to fire").isZero();
    }

    @Test
    void failuresWhileARetryWaitsDoNotMultiplyTheRetries() {
        RecordingScheduler timers = new RecordingScheduler();
        WorkQueue<String> slow = new WorkQueue<>(timers,
                RateLimiter.perKey(Backoff.exponential(Duration.ofSeconds(30), Duration.ofSeconds(30))));
        try {
            // A failing group woken by events three times: each failed pass asks for a retry in 30 s.
            for (int i = 0; i < 3; i++) {
                slow.add("g");
                assertThat(slow.take()).isEqualTo("g");
                slow.addRateLimited("g");
                slow.done("g");
            }
            assertThat(timers.pending()).as("one retry waiting, not one per failed pass").isEqualTo(1);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        } finally {
            slow.close();
            timers.shutdownNow();
        }
        assertThat(timers.pending()).as("close cancels it").isZero();
    }

    /** Counts the delayed adds that have not fired or been cancelled. */
    private static final class RecordingScheduler extends ScheduledThreadPoolExecutor {
        private final List<ScheduledFuture<?>> scheduled = new CopyOnWriteArrayList<>();

        RecordingScheduler() {
            super(1);
        }

        @Override
        public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
            ScheduledFuture<?> f = super.schedule(command, delay, unit);
            scheduled.add(f);
            return f;
        }

        long pending() {
            return scheduled.stream().filter(f -> !f.isDone()).count();
        }
    }

    @Test
    void takingAKeyCancelsItsDelayedAddAndAResyncLeavesABusyOrWaitingKeyAlone() throws InterruptedException {
        queue.addAfter("a", Duration.ofMillis(100));
        queue.addIfIdle("a");
        queue.addIfIdle("b");
        assertThat(queue.depth()).as("only b: a waits out its delay").isEqualTo(1);
        assertThat(queue.take()).isEqualTo("b");
        queue.done("b");

        queue.add("a"); // news about a: now, and its delayed add is dropped when it is taken
        assertThat(queue.take()).isEqualTo("a");
        queue.addIfIdle("a");
        queue.done("a");
        assertThat(queue.depth()).as("a resync during a pass does not ask for another").isZero();
        Thread.sleep(250);
        assertThat(queue.depth()).isZero();
        queue.addIfIdle("a");
        assertThat(queue.depth()).isEqualTo(1);
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
