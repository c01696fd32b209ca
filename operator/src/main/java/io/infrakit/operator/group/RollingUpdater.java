package io.infrakit.operator.group;

import io.infrakit.operator.group.Planner;
import io.infrakit.plugins.spi.Allocation;
import io.infrakit.plugins.spi.Health;
import io.infrakit.plugins.spi.InstanceDescription;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The pure core of a rolling update. Each reconcile asks it what to do next from the whole current state: which
 * instances are at the target config (their tags), their health, the persisted progress. Out-of-date instances are
 * replaced in batches; a batch starts only when every instance at the target config (pets: every member) has been
 * healthy for {@code healthyFor}. New instances are created by the ordinary planner: destroy-first lets it refill
 * the group; surge raises the size it keeps by the batch size while out-of-date instances remain.
 */
public final class RollingUpdater {

    /**
     * What the reconcile must know. {@code health} holds every instance whose health matters (see
     * {@link #needsHealth}); {@code pause} is the group's pause marker (null: not paused); {@code healthySince} when
     * every instance that matters was last seen healthy without a break (null: not now); {@code crashLoop} the
     * group's replacements vanishing soon after they are made (null: they do not).
     */
    public record Input(UpdatePolicy policy, Allocation allocation, String targetSha,
                        List<InstanceDescription> observed, Map<String, Health> health, UpdateProgress previous,
                        PauseMarker pause, Instant now, Instant healthySince, GroupStatus.CrashLoop crashLoop) {
    }

    /** Quick exits in a row that fail an update at once (one only holds the next batch back). */
    public static final int CRASH_LOOP_FAILS_AFTER = 2;

    /** What the update waits for after this pass: whether to look again soon, and whether all is healthy now. */
    public enum Wait {
        /** Nothing: no update, or it is done. */
        NONE(false, true),
        /** A person or the failure action: paused, or a batch failed. */
        STOPPED(false, false),
        /** Instances to become healthy (or to be created): look again at the health poll. */
        HEALTH(true, false),
        /** Time: every instance that matters is healthy and the batch soaks, or a batch just started. */
        SOAK(true, true);

        private final boolean poll;
        private final boolean healthy;

        Wait(boolean poll, boolean healthy) {
            this.poll = poll;
            this.healthy = healthy;
        }

        /** Look again after the health poll interval. */
        public boolean poll() {
            return poll;
        }

        /** Every instance that matters is healthy now (the caller keeps the healthy-since clock running). */
        public boolean healthy() {
            return healthy;
        }
    }

    /**
     * What to do.
     *
     * @param effectiveSize the size the planner keeps for a cattle group during the update (desired + surge)
     * @param replace       out-of-date instances to destroy now (the next batch)
     * @param progress      the status to report (null when no update has happened)
     * @param failure       set when the batch failed: the caller applies the policy's failure action
     * @param waiting       what the update waits for now
     */
    public record Decision(long effectiveSize, List<InstanceDescription> replace, UpdateProgress progress,
                           String failure, Wait waiting) {
    }

    private RollingUpdater() {
    }

    /** Whether the reconcile must ask the flavor about health: an update is under way or just finishing. */
    public static boolean needsHealth(String targetSha, List<InstanceDescription> observed, UpdateProgress previous) {
        return !outOfDate(targetSha, observed).isEmpty()
                || (previous != null && previous.isRolling() && targetSha.equals(previous.targetSha()));
    }

    /** Instances whose health gates the next batch: pets, every member; cattle, those at the target config. */
    public static List<InstanceDescription> gated(Allocation allocation, String targetSha,
                                                  List<InstanceDescription> observed) {
        if (allocation.isPets()) {
            return observed;
        }
        return observed.stream().filter(d -> Planner.isCurrent(d, targetSha)).toList();
    }

    public static Decision decide(Input in) {
        UpdatePolicy policy = in.policy();
        long desired = in.allocation().desired();
        List<InstanceDescription> stale = outOfDate(in.targetSha(), in.observed());
        long done = in.observed().size() - stale.size();
        UpdateProgress prev = in.previous() != null && in.targetSha().equals(in.previous().targetSha())
                ? in.previous() : null;
        if (stale.isEmpty() && (prev == null || !prev.isRolling())) {
            // Nothing to roll: report a finished update as done, and nothing at all for a group never updated.
            UpdateProgress p = prev == null ? null : prev.with(UpdateState.DONE, Math.min(done, desired), desired,
                    null);
            return new Decision(desired, List.of(), p, null, Wait.NONE);
        }
        if (prev == null) {
            prev = new UpdateProgress(in.targetSha(), UpdateState.ROLLING, 0, desired, 0, null, null);
        }
        boolean pets = in.allocation().isPets();
        long surge = !pets && policy.surge() ? Math.min(policy.maxParallel(), stale.size()) : 0;
        long effective = desired + surge;
        long doneNow = Math.min(done, desired);

        PauseMarker pause = in.pause() != null && in.pause().holds(in.targetSha()) ? in.pause() : null;
        if (pause != null) {
            UpdateState state = pause.byFailure() ? UpdateState.FAILED : UpdateState.PAUSED;
            return new Decision(effective, List.of(), prev.with(state, doneNow, desired, pause.reason()), null,
                    Wait.STOPPED);
        }

        // Is every instance that matters healthy, and is nothing still to be created?
        InstanceDescription victim = pets ? nextPet(stale, in.health()) : null;
        String unhealthy = null;
        String notHealthy = null; // the first instance that matters and is not healthy yet
        for (InstanceDescription d : gated(in.allocation(), in.targetSha(), in.observed())) {
            if (d == victim) {
                continue; // the member about to be replaced need not be healthy
            }
            Health h = in.health().getOrDefault(d.id(), Health.UNKNOWN);
            if (h == Health.UNHEALTHY && Planner.isCurrent(d, in.targetSha())) {
                unhealthy = "Instance " + d.id() + " is unhealthy";
            } else if (h != Health.HEALTHY && notHealthy == null) {
                notHealthy = d.id();
            }
        }
        long missing = effective - in.observed().size();
        // What the batch waits for, named once for both messages that mention it.
        String awaited = notHealthy != null ? notHealthy : missing > 0 ? missing + " new instances" : null;
        String waiting = notHealthy != null ? "waiting for " + notHealthy + " to become healthy"
                : missing > 0 ? "waiting for " + missing + " new instances" : null;
        // New instances that vanish soon after they are made: no next batch; twice in a row is a failure, at once
        // (no need to wait for the health deadline).
        if (unhealthy == null && in.crashLoop() != null) {
            if (in.crashLoop().restarts() >= CRASH_LOOP_FAILS_AFTER) {
                unhealthy = "crash loop: " + in.crashLoop().reason();
            } else {
                awaited = "crash loop";
                waiting = "waiting: crash loop: " + in.crashLoop().reason();
            }
        }
        Instant started = prev.batchStarted() == null ? null : Instant.parse(prev.batchStarted());
        if (unhealthy == null && awaited != null && started != null
                && in.now().isAfter(started.plus(policy.healthDeadline()))) {
            unhealthy = awaited + ": not healthy within " + human(policy.healthDeadline());
        }
        boolean carryOn = unhealthy != null && policy.onFailure() == UpdatePolicy.OnFailure.CONTINUE;
        if (unhealthy != null && !carryOn) {
            return new Decision(effective, List.of(), prev.with(UpdateState.ROLLING, doneNow, desired, unhealthy),
                    unhealthy, Wait.STOPPED);
        }
        if (awaited != null && !carryOn) {
            return new Decision(effective, List.of(), prev.with(UpdateState.ROLLING, doneNow, desired, waiting),
                    null, Wait.HEALTH);
        }
        Duration healthyFor = in.healthySince() == null ? Duration.ZERO : Duration.between(in.healthySince(), in.now());
        if (!carryOn && prev.batch() > 0 && healthyFor.compareTo(policy.healthyFor()) < 0) {
            return new Decision(effective, List.of(), prev.with(UpdateState.ROLLING, doneNow, desired,
                    "healthy for " + human(healthyFor) + " of " + human(policy.healthyFor())), null, Wait.SOAK);
        }
        if (stale.isEmpty()) {
            return new Decision(desired, List.of(), prev.with(UpdateState.DONE, doneNow, desired,
                    carryOn ? "finished after: " + unhealthy : null), null, Wait.NONE);
        }
        List<InstanceDescription> batch = nextBatch(pets, policy, stale, victim, in.observed().size() - desired);
        if (batch.isEmpty()) {
            return new Decision(effective, List.of(), prev.with(UpdateState.ROLLING, doneNow, desired,
                    "waiting for surge instances"), null, Wait.SOAK);
        }
        UpdateProgress next = new UpdateProgress(in.targetSha(), UpdateState.ROLLING, doneNow, desired,
                prev.batch() + 1, in.now().toString(), carryOn ? "continued after: " + unhealthy : null);
        return new Decision(effective, batch, next, null, carryOn ? Wait.HEALTH : Wait.SOAK);
    }

    private static List<InstanceDescription> nextBatch(boolean pets, UpdatePolicy policy,
                                                       List<InstanceDescription> stale, InstanceDescription victim,
                                                       long surplus) {
        if (pets) {
            return List.of(victim);
        }
        List<InstanceDescription> sorted = new ArrayList<>(stale);
        sorted.sort(Comparator.comparing(InstanceDescription::id));
        long n = policy.surge() ? Math.min(surplus, sorted.size()) : Math.min(policy.maxParallel(), sorted.size());
        return sorted.subList(0, (int) Math.max(0, n));
    }

    /** The next pet to replace: an unhealthy out-of-date member first (it is down anyway), else the lowest ID. */
    private static InstanceDescription nextPet(List<InstanceDescription> stale, Map<String, Health> health) {
        return stale.stream().min(Comparator.comparing((InstanceDescription d) ->
                health.getOrDefault(d.id(), Health.UNKNOWN) == Health.HEALTHY).thenComparing(InstanceDescription::id))
                .orElse(null);
    }

    static List<InstanceDescription> outOfDate(String targetSha, List<InstanceDescription> observed) {
        return observed.stream().filter(d -> !Planner.isCurrent(d, targetSha)).toList();
    }

    private static String human(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }
}
