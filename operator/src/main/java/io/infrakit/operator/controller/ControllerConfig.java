package io.infrakit.operator.controller;

import io.infrakit.operator.group.SpecValidator;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Controller tuning.
 *
 * @param workers      groups reconciled at once
 * @param maxParallel  plugin calls at once within one group's reconcile
 * @param resync       how often every group is reconciled even without events (catches vanished instances)
 * @param requeue      how soon a group is looked at again after a pass that changed something
 * @param healthPoll   how often a rolling update asks about health while it waits
 * @param retry        when a group whose reconcile failed is tried again: a new limiter for each leader term
 * @param maxInstances the most instances a group may ask for: a spec asking more is an error in its status
 * @param batch        the most instances one pass creates: a group grows batch by batch, so no spec's numbers make
 *                     the operator's memory grow
 * @param stallAfter   how long the workers may go without finishing a reconcile or a plugin call while there is
 *                     work, before the replica's health check says they are stuck
 */
public record ControllerConfig(int workers, int maxParallel, Duration resync, Duration requeue, Duration healthPoll,
                               Supplier<RateLimiter<String>> retry, long maxInstances, int batch,
                               Duration stallAfter) {

    public static final int DEFAULT_BATCH = 1000;

    public static ControllerConfig defaults() {
        return new ControllerConfig(4, 16, Duration.ofSeconds(10), Duration.ofMillis(200), Duration.ofMillis(500),
                RateLimiter::defaults, SpecValidator.DEFAULT_MAX_INSTANCES, DEFAULT_BATCH, Duration.ofMinutes(5));
    }

    public ControllerConfig withResync(Duration d) {
        return new ControllerConfig(workers, maxParallel, d, requeue, healthPoll, retry, maxInstances, batch,
                stallAfter);
    }

    public ControllerConfig withWorkers(int n) {
        return new ControllerConfig(n, maxParallel, resync, requeue, healthPoll, retry, maxInstances, batch,
                stallAfter);
    }

    public ControllerConfig withMaxParallel(int n) {
        return new ControllerConfig(workers, n, resync, requeue, healthPoll, retry, maxInstances, batch, stallAfter);
    }

    public ControllerConfig withHealthPoll(Duration d) {
        return new ControllerConfig(workers, maxParallel, resync, requeue, d, retry, maxInstances, batch, stallAfter);
    }

    public ControllerConfig withRetry(Supplier<RateLimiter<String>> limiter) {
        return new ControllerConfig(workers, maxParallel, resync, requeue, healthPoll, limiter, maxInstances, batch,
                stallAfter);
    }

    public ControllerConfig withMaxInstances(long n) {
        return new ControllerConfig(workers, maxParallel, resync, requeue, healthPoll, retry, n, batch, stallAfter);
    }

    public ControllerConfig withBatch(int n) {
        return new ControllerConfig(workers, maxParallel, resync, requeue, healthPoll, retry, maxInstances, n,
                stallAfter);
    }

    public ControllerConfig withStallAfter(Duration d) {
        return new ControllerConfig(workers, maxParallel, resync, requeue, healthPoll, retry, maxInstances, batch, d);
    }
}
