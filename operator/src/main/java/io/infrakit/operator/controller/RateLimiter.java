package io.infrakit.operator.controller;

import io.infrakit.store.Backoff;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * When a key whose reconcile failed is tried again, as controller-runtime's rate limiters decide it: per key
 * ({@link #perKey}: exponential backoff on its own failures), overall ({@link #bucket}: a token bucket over all
 * keys, so a mass failure is retried at a bounded rate), or the slower of several ({@link #maxOf}). A work queue owns
 * one (a new one per leader term); calls come under the queue's lock.
 */
public interface RateLimiter<K> {

    /** Records a failure of the key and says how long to wait before trying it again. */
    Duration when(K key);

    /** The key succeeded: its next failure starts again from the first delay. */
    void forget(K key);

    /** Failures of the key since it last succeeded. */
    int failures(K key);

    /** The controller's default: per key 200 ms doubling to 30 s with 10% jitter, at most 10 retries a second overall (bursts of 100). */
    static <K> RateLimiter<K> defaults() {
        return maxOf(perKey(Backoff.exponential(Duration.ofMillis(200), Duration.ofSeconds(30)).withJitter(0.1)),
                bucket(10, 100));
    }

    static <K> RateLimiter<K> perKey(Backoff backoff) {
        return new RateLimiter<>() {
            private final Map<K, Integer> failures = new HashMap<>();

            @Override
            public Duration when(K key) {
                return backoff.delay(failures.merge(key, 1, Integer::sum));
            }

            @Override
            public void forget(K key) {
                failures.remove(key);
            }

            @Override
            public int failures(K key) {
                return failures.getOrDefault(key, 0);
            }
        };
    }

    /** {@code perSecond} retries a second over all keys, {@code burst} at once; counts no failures itself. */
    static <K> RateLimiter<K> bucket(double perSecond, int burst) {
        return new RateLimiter<>() {
            private double tokens = burst;
            private long last = System.nanoTime();

            @Override
            public Duration when(K key) {
                long now = System.nanoTime();
                tokens = Math.min(burst, tokens + (now - last) * perSecond / 1e9) - 1;
                last = now;
                return tokens >= 0 ? Duration.ZERO : Duration.ofNanos((long) (-tokens / perSecond * 1e9));
            }

            @Override
            public void forget(K key) {
            }

            @Override
            public int failures(K key) {
                return 0;
            }
        };
    }

    /** The longer delay of the two limiters (each records the failure). */
    static <K> RateLimiter<K> maxOf(RateLimiter<K> first, RateLimiter<K> second) {
        List<RateLimiter<K>> all = List.of(first, second);
        return new RateLimiter<>() {
            @Override
            public Duration when(K key) {
                return all.stream().map(l -> l.when(key)).max(Duration::compareTo).orElse(Duration.ZERO);
            }

            @Override
            public void forget(K key) {
                all.forEach(l -> l.forget(key));
            }

            @Override
            public int failures(K key) {
                return all.stream().mapToInt(l -> l.failures(key)).max().orElse(0);
            }
        };
    }
}
