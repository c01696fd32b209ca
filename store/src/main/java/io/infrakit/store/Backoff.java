package io.infrakit.store;

import com.google.common.base.Preconditions;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long to wait before retry number {@code n}: {@code initial × multiplier^(n−1)}, capped at {@code max}, plus
 * up to {@code jitter} of that at random (still capped), so parties that failed together do not retry in lockstep.
 * The one backoff formula of the project: the election, the watches and the controllers' work queues use it.
 */
public record Backoff(Duration initial, Duration max, double multiplier, double jitter) {

    public Backoff {
        Preconditions.checkArgument(!initial.isNegative() && !initial.isZero(), "initial delay must be positive: %s", initial);
        Preconditions.checkArgument(max.compareTo(initial) >= 0, "max %s is below the initial delay %s", max, initial);
        Preconditions.checkArgument(multiplier >= 1, "multiplier must be at least 1: %s", multiplier);
        Preconditions.checkArgument(jitter >= 0 && jitter <= 1, "jitter must be a fraction: %s", jitter);
    }

    /** Doubling from {@code initial} up to {@code max}, without jitter. */
    public static Backoff exponential(Duration initial, Duration max) {
        return new Backoff(initial, max, 2, 0);
    }

    public Backoff withJitter(double fraction) {
        return new Backoff(initial, max, multiplier, fraction);
    }

    /** The delay before retry {@code attempt} (1 for the first retry after a failure). */
    public Duration delay(int attempt) {
        Preconditions.checkArgument(attempt >= 1, "attempts count from 1: %s", attempt);
        double nanos = Math.min(max.toNanos(), initial.toNanos() * Math.pow(multiplier, Math.min(attempt - 1, 62)));
        if (jitter > 0) {
            nanos += nanos * jitter * ThreadLocalRandom.current().nextDouble();
        }
        return Duration.ofNanos((long) Math.min(nanos, max.toNanos()));
    }
}
