package io.infrakit.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void multipliesFromTheInitialDelayUpToTheCap() {
        Backoff b = Backoff.exponential(Duration.ofMillis(50), Duration.ofSeconds(2));
        assertThat(b.delay(1)).isEqualTo(Duration.ofMillis(50));
        assertThat(b.delay(2)).isEqualTo(Duration.ofMillis(100));
        assertThat(b.delay(6)).isEqualTo(Duration.ofMillis(1600));
        assertThat(b.delay(7)).isEqualTo(Duration.ofSeconds(2));
        assertThat(b.delay(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(2));
        assertThat(new Backoff(Duration.ofMillis(10), Duration.ofSeconds(1), 1.5, 0).delay(3))
                .isEqualTo(Duration.ofNanos(22_500_000));
    }

    @Test
    void jitterAddsAtMostItsFractionAndNeverPassesTheCap() {
        Backoff b = Backoff.exponential(Duration.ofMillis(100), Duration.ofMillis(150)).withJitter(0.1);
        for (int i = 0; i < 100; i++) {
            assertThat(b.delay(1)).isBetween(Duration.ofMillis(100), Duration.ofMillis(110));
            assertThat(b.delay(2)).isEqualTo(Duration.ofMillis(150));
        }
    }

    @Test
    void refusesNonsense() {
        assertThatThrownBy(() -> Backoff.exponential(Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Backoff.exponential(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .hasMessage("max PT1S is below the initial delay PT2S");
        assertThatThrownBy(() -> Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(1)).delay(0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
