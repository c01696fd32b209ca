package io.infrakit.operator.controller;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.operator.election.LeaderTerm;
import io.infrakit.operator.group.GroupDefinition;
import io.infrakit.operator.group.GroupStatus;
import io.infrakit.operator.group.PauseMarker;
import io.infrakit.operator.group.Plan;
import io.infrakit.operator.group.Planner;
import io.infrakit.operator.group.RollingUpdater;
import io.infrakit.operator.group.UpdatePolicy;
import io.infrakit.operator.group.UpdateProgress;
import io.infrakit.operator.write.GroupWrites;
import io.infrakit.operator.write.LeaderWrites;
import io.infrakit.operator.write.WriteException;
import io.infrakit.plugins.PluginLookup;
import io.infrakit.plugins.spi.Allocation;
import io.infrakit.plugins.spi.FlavorPlugin;
import io.infrakit.plugins.spi.Health;
import io.infrakit.plugins.spi.InstanceDescription;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The I/O side of rolling updates for the reconciler: asks the flavor about health, runs {@link RollingUpdater},
 * folds its batch into the plan, and carries out the failure action (pause, or roll back to the previous spec)
 * through {@link LeaderWrites}.
 */
public final class RollingUpdates {

    /** The plan for this pass (size and update together) and the updater's decision. */
    public record Pass(Plan plan, RollingUpdater.Decision decision) {
    }

    private static final Logger log = LoggerFactory.getLogger(RollingUpdates.class);

    private final LeaderWrites writes;
    private final PluginLookup plugins;
    private final Clock clock;
    private final int batch;
    /** Since when every gated instance of a group has been healthy (in memory: a new leader starts again). */
    private final Map<String, Instant> healthySince = new ConcurrentHashMap<>();
    /** Configs we rolled back to automatically: if one of them fails too, pause rather than roll back again. */
    private final Set<String> rolledBackTo = ConcurrentHashMap.newKeySet();

    public RollingUpdates(GroupWrites writes, PluginLookup plugins, Clock clock) {
        this(writes, plugins, clock, Integer.MAX_VALUE);
    }

    /** @param batch the most instances one pass creates */
    public RollingUpdates(GroupWrites writes, PluginLookup plugins, Clock clock, int batch) {
        this.batch = batch;
        this.writes = writes.forLeader();
        this.plugins = plugins;
        this.clock = clock;
    }

    /** Keeps the spec in the group's history, once per revision. */
    public void remember(GroupDefinition group, LeaderTerm term) {
        writes.remember(group, term);
    }

    /** @param crashLoop the group's replacements vanishing soon after they are made (null: they do not) */
    public Pass plan(GroupDefinition group, List<InstanceDescription> observed, UpdateProgress previous,
                     PauseMarker pause, GroupStatus.CrashLoop crashLoop, LeaderTerm term) {
        String id = group.id();
        Map<String, Health> health = Map.of();
        if (RollingUpdater.needsHealth(group.configHash(), observed, previous)) {
            health = health(group, RollingUpdater.gated(group.allocation(), group.configHash(), observed), term);
        }
        Instant now = clock.instant();
        RollingUpdater.Decision d = RollingUpdater.decide(new RollingUpdater.Input(group.update(),
                group.allocation(), group.configHash(), observed, health, previous, pause, now, healthySince.get(id),
                crashLoop));
        if (!d.replace().isEmpty() || !d.waiting().healthy()) {
            healthySince.remove(id);
        } else {
            healthySince.putIfAbsent(id, now);
        }
        List<InstanceDescription> remaining = observed.stream().filter(o -> !d.replace().contains(o)).toList();
        Allocation size = group.allocation().isPets() ? group.allocation() : Allocation.ofSize(d.effectiveSize());
        Plan plan = Planner.plan(size, group.configHash(), remaining, batch).plus(d.replace().stream()
                .map(r -> new Plan.Destroy(r, "rolling update to " + group.configHash(), group.update().skipDrain()
                        ? Plan.Cause.ROLLING_UPDATE_UNDRAINED : Plan.Cause.ROLLING_UPDATE))
                .toList());
        if (!d.replace().isEmpty()) {
            log.info("rolling update batch {}: replacing {}", d.progress().batch(),
                    d.replace().stream().map(InstanceDescription::id).toList());
        }
        return new Pass(plan, d);
    }

    /**
     * The batch failed: roll back when the policy says so (once per config), otherwise pause the update. Returns
     * what was rolled back, if it was.
     */
    public Optional<GroupStatus.RolledBack> fail(GroupDefinition group, String failure, LeaderTerm term) {
        if (group.update().onFailure() == UpdatePolicy.OnFailure.ROLLBACK && !rolledBackTo.contains(group.configHash())) {
            try {
                Optional<LeaderWrites.Restored> r = writes.rollBackFailedUpdate(group, failure, term);
                if (r.isPresent()) {
                    rolledBackTo.add(r.get().entry().configSha());
                    return Optional.of(new GroupStatus.RolledBack(group.revision(), group.configHash(), failure,
                            r.get().revision(), clock.instant().toString()));
                }
                return Optional.empty();
            } catch (WriteException e) {
                failure = failure + " (" + e.getMessage() + ")";
            }
        }
        writes.pauseFailedUpdate(group, failure, term);
        return Optional.empty();
    }

    private Map<String, Health> health(GroupDefinition group, List<InstanceDescription> gated, LeaderTerm term) {
        FlavorPlugin flavor = plugins.flavor(group.properties().flavor().pluginName());
        JsonNode props = group.properties().flavor().properties();
        Map<String, Health> out = new HashMap<>();
        for (InstanceDescription d : gated) {
            term.checkActive();
            try {
                out.put(d.id(), flavor.healthy(props, d));
            } catch (RuntimeException e) {
                log.debug("health of {} unknown: {}", d.id(), e.getMessage());
                out.put(d.id(), Health.UNKNOWN); // an unanswered health check gates like an unhealthy one
            }
        }
        return out;
    }

    public void forget(String id) {
        healthySince.remove(id);
        writes.history().forget(id);
    }

    public void clear() {
        healthySince.clear();
        writes.history().clear();
    }
}
