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

    /** What the reconcile must know. {@code health} holds every instance whose health matters (see {@link #needsHealth}). */
    public record Input(UpdatePolicy policy, Allocation allocation, String targetSha,
                        List<InstanceDescription> observed, Map<String, Health> health, UpdateProgress previous,
                        String pausedReason, boolean pausedByFailure, Instant now, Instant healthySince) {
    }

    /**
     * What to do.
     *
     * @param effectiveSize the size the planner keeps for a cattle group during the update (desired + surge)
     * @param replace       out-of-date instances to destroy now (the next batch)
     * @param progress      the status to report (null when no update has happened)
     * @param failure       set when the batch failed: the caller applies the policy's failure action
     * @param ready         every instance that matters is healthy now (for the caller's healthy-since clock)
     * @param waiting       the update waits on health: look again soon
     */
    public record Decision(long effectiveSize, List<InstanceDescription> replace, UpdateProgress progress,
                           String failure, boolean ready, boolean waiting) {
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
            UpdateProgress p = prev == null ? null : prev.with(UpdateProgress.DONE, Math.min(done, desired), desired,
                    null);
            return new Decision(desired, List.of(), p, null, true, false);
        }
        if (prev == null) {
            prev = new UpdateProgress(in.targetSha(), UpdateProgress.ROLLING, 0, desired, 0, null, null);
        }
        boolean pets = in.allocation().isPets();
        long surge = !pets && policy.surge() ? Math.min(policy.maxParallel(), stale.size()) : 0;
        long effective = desired + surge;
        long doneNow = Math.min(done, desired);

        if (in.pausedReason() != null) {
            String state = in.pausedByFailure() ? UpdateProgress.FAILED : UpdateProgress.PAUSED;
            return new Decision(effective, List.of(), prev.with(state, doneNow, desired, in.pausedReason()), null,
                    false, false);
        }

        // Is every instance that matters healthy, and is nothing still to be created?
        InstanceDescription victim = pets ? nextPet(stale, in.health()) : null;
        String unhealthy = null;
        String notYet = null;
        for (InstanceDescription d : gated(in.allocation(), in.targetSha(), in.observed())) {
            if (d == victim) {
                continue; // the member about to be replaced need not be healthy
            }
            Health h = in.health().getOrDefault(d.id(), Health.UNKNOWN);
            if (h == Health.UNHEALTHY && Planner.isCurrent(d, in.targetSha())) {
                unhealthy = "Instance " + d.id() + " is unhealthy";
            } else if (h != Health.HEALTHY && notYet == null) {
                notYet = "waiting for " + d.id() + " to become healthy";
            }
        }
        if (notYet == null && in.observed().size() < effective) {
            notYet = "waiting for " + (effective - in.observed().size()) + " new instances";
        }
        Instant started = prev.batchStarted() == null ? null : Instant.parse(prev.batchStarted());
        if (unhealthy == null && notYet != null && started != null
                && in.now().isAfter(started.plus(policy.healthDeadline()))) {
            unhealthy = notYet.replace("waiting for ", "") + ": not healthy within " + human(policy.healthDeadline());
        }
        boolean carryOn = unhealthy != null && policy.onFailure() == UpdatePolicy.OnFailure.CONTINUE;
        if (unhealthy != null && !carryOn) {
            return new Decision(effective, List.of(), prev.with(UpdateProgress.ROLLING, doneNow, desired, unhealthy),
                    unhealthy, false, false);
        }
        if (notYet != null && !carryOn) {
            return new Decision(effective, List.of(), prev.with(UpdateProgress.ROLLING, doneNow, desired, notYet),
                    null, false, true);
        }
        Duration healthyFor = in.healthySince() == null ? Duration.ZERO : Duration.between(in.healthySince(), in.now());
        if (!carryOn && prev.batch() > 0 && healthyFor.compareTo(policy.healthyFor()) < 0) {
            return new Decision(effective, List.of(), prev.with(UpdateProgress.ROLLING, doneNow, desired,
                    "healthy for " + human(healthyFor) + " of " + human(policy.healthyFor())), null, true, true);
        }
        if (stale.isEmpty()) {
            return new Decision(desired, List.of(), prev.with(UpdateProgress.DONE, doneNow, desired,
                    carryOn ? "finished after: " + unhealthy : null), null, !carryOn, false);
        }
        List<InstanceDescription> batch = nextBatch(pets, policy, stale, victim, in.observed().size() - desired);
        if (batch.isEmpty()) {
            return new Decision(effective, List.of(), prev.with(UpdateProgress.ROLLING, doneNow, desired,
                    "waiting for surge instances"), null, true, true);
        }
        UpdateProgress next = new UpdateProgress(in.targetSha(), UpdateProgress.ROLLING, doneNow, desired,
                prev.batch() + 1, in.now().toString(), carryOn ? "continued after: " + unhealthy : null);
        return new Decision(effective, batch, next, null, !carryOn, true);
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
