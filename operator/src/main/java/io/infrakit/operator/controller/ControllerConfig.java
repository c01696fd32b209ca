package io.infrakit.operator.controller;

import java.time.Duration;

/**
 * Controller tuning.
 *
 * @param workers      groups reconciled at once
 * @param maxParallel  plugin calls at once within one group's reconcile
 * @param resync       how often every group is reconciled even without events (catches vanished instances)
 * @param backoffBase  first retry delay after a failed reconcile; doubles per failure
 * @param backoffMax   cap of the retry delay
 * @param healthPoll   how often a rolling update asks about health while it waits
 */
public record ControllerConfig(int workers, int maxParallel, Duration resync, Duration backoffBase,
                               Duration backoffMax, Duration healthPoll) {

    public static ControllerConfig defaults() {
        return new ControllerConfig(4, 16, Duration.ofSeconds(10), Duration.ofMillis(200), Duration.ofSeconds(30),
                Duration.ofMillis(500));
    }

    public ControllerConfig withResync(Duration d) {
        return new ControllerConfig(workers, maxParallel, d, backoffBase, backoffMax, healthPoll);
    }

    public ControllerConfig withWorkers(int n) {
        return new ControllerConfig(n, maxParallel, resync, backoffBase, backoffMax, healthPoll);
    }

    public ControllerConfig withMaxParallel(int n) {
        return new ControllerConfig(workers, n, resync, backoffBase, backoffMax, healthPoll);
    }

    public ControllerConfig withHealthPoll(Duration d) {
        return new ControllerConfig(workers, maxParallel, resync, backoffBase, backoffMax, d);
    }
}
