package io.infrakit.operator.controller;

import io.infrakit.operator.election.LeaderTerm;
import io.infrakit.operator.election.LostLeadershipException;
import io.infrakit.operator.spec.GroupDefinition;
import io.infrakit.operator.spec.SpecException;
import io.infrakit.operator.spec.SpecValidator;
import io.infrakit.operator.status.GroupStatus;
import io.infrakit.operator.status.StatusWriter;
import io.infrakit.operator.update.RollingUpdates;
import io.infrakit.plugins.PluginLookup;
import io.infrakit.plugins.group.Tags;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.spi.InstancePlugin;
import io.infrakit.plugins.spi.PluginException;
import io.infrakit.plugins.spi.PluginName;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One reconcile of one group: observe (list its instances by tag), plan (pure: the planner for the size, the
 * rolling updater for out-of-date instances), act (through {@link PlanExecutor}), report (status, written only when
 * it changed). Level-triggered: it reads the whole current state every time.
 */
public final class GroupReconciler {

    /** What the controller should do with the key afterwards. */
    public enum Outcome {
        /** Nothing more until the next event or resync. */
        DONE,
        /** Changes were made: look again soon to confirm them. */
        REQUEUE,
        /** A rolling update waits on health: look again after the health poll interval. */
        POLL,
        /** Something failed: retry after a backoff. */
        RETRY
    }

    private static final Logger log = LoggerFactory.getLogger(GroupReconciler.class);

    private final SpecCache specs;
    private final PluginLookup plugins;
    private final StatusWriter status;
    private final PlanExecutor executor;
    private final RollingUpdates updates;
    /** The spec revision whose plugins last passed validation, per group: plugins validate a spec once. */
    private final Map<String, Long> validated = new ConcurrentHashMap<>();

    public GroupReconciler(SpecCache specs, PluginLookup plugins, StatusWriter status, PlanExecutor executor,
                           RollingUpdates updates) {
        this.specs = specs;
        this.plugins = plugins;
        this.status = status;
        this.executor = executor;
        this.updates = updates;
    }

    public Outcome reconcile(String id, LeaderTerm term) {
        term.checkActive();
        SpecCache.Entry entry = specs.get(id);
        if (specs.isFree(id)) {
            return reportFree(id, entry, term);
        }
        if (entry == null || entry.deleted()) {
            return destroyGroup(id, entry, term);
        }
        if (entry.definition() == null) {
            // Invalid spec: say so, touch nothing. A new spec revision brings the group back.
            report(previous(id, entry.revision()).withError(status.error(id, entry.error())), term);
            return Outcome.DONE;
        }
        GroupDefinition group = entry.definition();
        try {
            if (!Long.valueOf(group.revision()).equals(validated.get(id))) {
                SpecValidator.checkPlugins(group, plugins);
                validated.put(id, group.revision());
            }
        } catch (SpecException e) {
            validated.remove(id);
            report(previous(id, group.revision()).withError(status.error(id, e.getMessage())), term);
            return Outcome.RETRY;
        }
        return converge(group, term);
    }

    private Outcome converge(GroupDefinition group, LeaderTerm term) {
        String id = group.id();
        InstancePlugin instances = plugins.instance(group.properties().instance().pluginName());
        List<InstanceDescription> observed;
        RollingUpdates.Step step;
        PlanExecutor.Result result;
        try {
            observed = observe(group, instances, term);
            step = updates.step(group, observed, status.last(id).map(GroupStatus::update).orElse(null),
                    specs.pause(id), term);
            Plan plan = step.plan();
            if (!plan.isEmpty()) {
                log.info("{} to create, {} to destroy (desired {}, observed {})",
                        plan.creates().size(), plan.destroys().size(), group.desired(), observed.size());
            }
            result = executor.execute(group, plan, term);
            updates.remember(group, term); // after acting: keeps the etcd write off a new spec's first Provision
            if (step.decision().failure() != null && result.firstError() == null) {
                updates.fail(group, step.decision().failure(), term);
            }
        } catch (LostLeadershipException e) {
            throw e;
        } catch (PluginException | IllegalStateException e) {
            report(statusOf(group, -1, 0).withError(status.error(id, "DescribeInstances failed: " + e.getMessage())),
                    term);
            return Outcome.RETRY;
        }
        long now = observed.size() + result.created() - result.destroyed();
        GroupStatus s = statusOf(group, now, step.plan().outOfDate() + step.decision().replace().size())
                .withUpdate(step.decision().progress()).withNotes(flavorNotes(group));
        if (result.firstError() != null) {
            report(s.withError(status.error(id, result.firstError())), term);
            return Outcome.RETRY;
        }
        report(s, term);
        if (!step.plan().isEmpty()) {
            return Outcome.REQUEUE;
        }
        return step.decision().waiting() ? Outcome.POLL : Outcome.DONE;
    }

    /** What the flavor did on its own for the group; never a reason for a pass to fail. */
    private List<String> flavorNotes(GroupDefinition group) {
        try {
            return plugins.flavor(group.properties().flavor().pluginName()).notes(group.id(),
                    group.properties().flavor().properties(), group.allocation());
        } catch (RuntimeException e) {
            log.debug("no flavor notes: {}", e.toString());
            return List.of();
        }
    }

    /** Lists the group's instances; adopts those tagged for bootstrap first, as InfraKit does. */
    private List<InstanceDescription> observe(GroupDefinition group, InstancePlugin instances, LeaderTerm term) {
        Map<String, String> selector = Map.of(Tags.GROUP, group.id());
        List<InstanceDescription> observed = instances.describeInstances(selector, false);
        List<InstanceDescription> adopt = Planner.toAdopt(observed);
        if (adopt.isEmpty()) {
            return observed;
        }
        for (InstanceDescription d : adopt) {
            term.checkActive();
            log.info("adopting bootstrap instance {}", d.id());
            instances.label(d.id(), Map.of(Tags.GROUP, group.id(), Tags.CONFIG_SHA, group.configHash()));
        }
        return instances.describeInstances(selector, false);
    }

    /** The spec is gone: destroy every instance of the group, then its status. */
    private Outcome destroyGroup(String id, SpecCache.Entry entry, LeaderTerm term) {
        GroupDefinition last = entry == null ? null : entry.lastValid();
        Optional<GroupStatus> prev = status.last(id);
        String pluginName = last != null ? last.properties().instance().plugin()
                : prev.map(GroupStatus::instancePlugin).orElse(null);
        if (pluginName == null) {
            prev.ifPresent(p -> status.delete(id, term));
            specs.forget(id, entry == null ? Long.MAX_VALUE : entry.revision());
            return Outcome.DONE;
        }
        try {
            InstancePlugin instances = plugins.instance(PluginName.parse(pluginName));
            List<InstanceDescription> observed = instances.describeInstances(Map.of(Tags.GROUP, id), false);
            if (!observed.isEmpty()) {
                log.info("spec deleted, destroying {} instances", observed.size());
                PlanExecutor.Result r = executor.destroyAll(last, instances, observed, term);
                if (r.firstError() != null) {
                    report(deleting(id, prev, observed.size() - r.destroyed(), pluginName)
                            .withError(status.error(id, r.firstError())), term);
                    return Outcome.RETRY;
                }
                return Outcome.REQUEUE;
            }
        } catch (LostLeadershipException e) {
            throw e;
        } catch (PluginException e) {
            report(deleting(id, prev, prev.map(GroupStatus::observed).orElse(0L), pluginName)
                    .withError(status.error(id, e.getMessage())), term);
            return Outcome.RETRY;
        }
        if (prev.isPresent()) {
            status.delete(id, term);
        }
        validated.remove(id);
        updates.forget(id);
        specs.forget(id, entry == null ? Long.MAX_VALUE : entry.revision());
        log.info("deleted");
        return Outcome.DONE;
    }

    private Outcome reportFree(String id, SpecCache.Entry entry, LeaderTerm term) {
        GroupStatus prev = previous(id, entry == null ? 0 : entry.revision());
        report(new GroupStatus(id, prev.desired(), prev.observed(), false, GroupStatus.FREE, prev.outOfDate(),
                prev.configSha(), prev.specRevision(), prev.instancePlugin(), prev.update(), null), term);
        return Outcome.DONE;
    }

    private GroupStatus deleting(String id, Optional<GroupStatus> prev, long observed, String plugin) {
        return new GroupStatus(id, 0, observed, false, GroupStatus.DELETING, 0,
                prev.map(GroupStatus::configSha).orElse(null), prev.map(GroupStatus::specRevision).orElse(0L),
                plugin, null, null);
    }

    /** The last status, at a new spec revision, for groups this pass cannot observe. */
    private GroupStatus previous(String id, long revision) {
        return status.last(id)
                .map(p -> new GroupStatus(id, p.desired(), p.observed(), false, p.state(), p.outOfDate(),
                        p.configSha(), revision, p.instancePlugin(), p.update(), null))
                .orElse(new GroupStatus(id, 0, 0, false, GroupStatus.ERROR, 0, null, revision, null, null, null));
    }

    private GroupStatus statusOf(GroupDefinition group, long observed, long outOfDate) {
        if (observed < 0) {
            observed = status.last(group.id()).map(GroupStatus::observed).orElse(0L);
        }
        boolean converged = observed == group.desired() && outOfDate == 0;
        return new GroupStatus(group.id(), group.desired(), observed, converged,
                converged ? GroupStatus.CONVERGED : GroupStatus.CONVERGING, outOfDate, group.configHash(),
                group.revision(), group.properties().instance().plugin(), null, null);
    }

    private void report(GroupStatus s, LeaderTerm term) {
        status.write(s, term);
    }

    /** Forgets per-group caches (the group left this leader's hands). */
    public void reset() {
        validated.clear();
        updates.clear();
    }
}
