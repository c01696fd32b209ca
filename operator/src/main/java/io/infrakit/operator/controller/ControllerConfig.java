package io.infrakit.operator.controller;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * Controller tuning.
 *
 * @param workers     groups reconciled at once
 * @param maxParallel plugin calls at once within one group's reconcile
 * @param resync      how often every group is reconciled even without events (catches vanished instances)
 * @param requeue     how soon a group is looked at again after a pass that changed something
 * @param healthPoll  how often a rolling update asks about health while it waits
 * @param retry       when a group whose reconcile failed is tried again: a new limiter for each leader term
 */
public record ControllerConfig(int workers, int maxParallel, Duration resync, Duration requeue, Duration healthPoll,
                               Supplier<RateLimiter<String>> retry) {

    public static ControllerConfig defaults() {
        return new ControllerConfig(4, 16, Duration.ofSeconds(10), Duration.ofMillis(200), Duration.ofMillis(500),
                RateLimiter::defaults);
    }

    public ControllerConfig withResync(Duration d) {
        return new ControllerConfig(workers, maxParallel, d, requeue, healthPoll, retry);
    }

    public ControllerConfig withWorkers(int n) {
        return new ControllerConfig(n, maxParallel, resync, requeue, healthPoll, retry);
    }

    public ControllerConfig withMaxParallel(int n) {
        return new ControllerConfig(workers, n, resync, requeue, healthPoll, retry);
    }

    public ControllerConfig withHealthPoll(Duration d) {
        return new ControllerConfig(workers, maxParallel, resync, requeue, d, retry);
    }

    public ControllerConfig withRetry(Supplier<RateLimiter<String>> limiter) {
        return new ControllerConfig(workers, maxParallel, resync, requeue, healthPoll, limiter);
    }
}
