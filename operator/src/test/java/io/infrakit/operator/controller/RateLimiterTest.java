package io.infrakit.operator.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.infrakit.store.Backoff;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

    @Test
    void perKeyBacksOffEachKeyOnItsOwnUntilItSucceeds() {
        RateLimiter<String> r = RateLimiter.perKey(Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(1)));
        assertThat(r.when("a")).isEqualTo(Duration.ofMillis(100));
        assertThat(r.when("a")).isEqualTo(Duration.ofMillis(200));
        assertThat(r.when("b")).isEqualTo(Duration.ofMillis(100));
        assertThat(r.failures("a")).isEqualTo(2);
        r.forget("a");
        assertThat(r.failures("a")).isZero();
        assertThat(r.when("a")).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void theBucketLetsABurstThroughThenPacesEveryKeyTogether() {
        RateLimiter<String> r = RateLimiter.bucket(0.01, 3); // one token per 100 s: none comes back during the test
        for (int i = 0; i < 3; i++) {
            assertThat(r.when("k" + i)).isZero();
        }
        assertThat(r.when("k3")).isBetween(Duration.ofSeconds(99), Duration.ofSeconds(100));
        assertThat(r.when("k4")).isBetween(Duration.ofSeconds(199), Duration.ofSeconds(200));
    }

    @Test
    void maxOfTakesTheLongestDelayAndCountsFailures() {
        RateLimiter<String> r = RateLimiter.maxOf(
                RateLimiter.perKey(Backoff.exponential(Duration.ofMillis(1), Duration.ofMillis(8))),
                RateLimiter.bucket(1, 1));
        assertThat(r.when("a")).isEqualTo(Duration.ofMillis(1));
        assertThat(r.when("a")).isGreaterThan(Duration.ofMillis(900));
        assertThat(r.failures("a")).isEqualTo(2);
    }
}
