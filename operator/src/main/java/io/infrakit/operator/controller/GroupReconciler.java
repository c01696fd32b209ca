package io.infrakit.operator.controller;

import io.infrakit.operator.election.LeaderTerm;
import io.infrakit.operator.group.GroupDefinition;
import io.infrakit.operator.group.GroupState;
import io.infrakit.operator.group.GroupStatus;
import io.infrakit.operator.group.GroupStatusBuilder;
import io.infrakit.operator.group.PauseMarker;
import io.infrakit.operator.group.Plan;
import io.infrakit.operator.group.Planner;
import io.infrakit.operator.group.SpecException;
import io.infrakit.operator.group.UpdateProgress;
import io.infrakit.operator.group.UpdateState;
import io.infrakit.operator.policy.Admission;
import io.infrakit.operator.write.PluginCheck;
import io.infrakit.plugins.PluginLookup;
import io.infrakit.plugins.group.Tags;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.spi.InstancePlugin;
import io.infrakit.plugins.spi.PluginName;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One reconcile of one group: observe (list its instances by tag), plan (pure: the planner for the size, the
 * rolling updater for out-of-date instances), act (through {@link PlanExecutor}), report (status, written only when
 * it changed; a failure names the plugin call that failed). Level-triggered: it reads the whole current state every
 * time. Its collaborators are passed in, so each branch is tested on its own.
 */
public final class GroupReconciler {

    /**
     * An instance gone within this long of its Provision is a quick exit: its replacement is held back as a crash
     * loop. One that lived longer is replaced at once.
     */
    public static final Duration QUICK_EXIT = CrashLoopBrake.Policy.DEFAULT.quick();

    /** What the controller should do with the key afterwards. */
    public enum Outcome {
        /** Nothing more until the next event or resync. */
        DONE,
        /** Changes were made: look again soon to confirm them. */
        REQUEUE,
        /** A rolling update waits on health: look again after the health poll interval. */
        POLL,
        /** A crash loop's brake holds replacements back: look again when it lifts ({@link #waitFor}). */
        WAIT,
        /** Something failed: retry after a backoff. */
        RETRY
    }

    private static final Logger log = LoggerFactory.getLogger(GroupReconciler.class);

    private final SpecCache specs;
    private final PluginLookup plugins;
    private final StatusWriter status;
    private final PlanExecutor executor;
    private final RollingUpdates updates;
    private final Admission admission;
    private final DelegatedGroups delegated;
    private final Clock clock;
    /** The spec revision whose plugins last passed validation, per group: plugins validate a spec once. */
    private final Map<String, Long> validated = new ConcurrentHashMap<>();
    /** Per group, what is odd about its spec though it is served (keys nothing reads), for its status. */
    private final Map<String, List<String>> warnings = new ConcurrentHashMap<>();
    private final CrashLoopBrake brake = new CrashLoopBrake(CrashLoopBrake.Policy.DEFAULT);
    /** Updates this leader rolled back, by group, until their status carries them. */
    private final Map<String, GroupStatus.RolledBack> rolledBack = new ConcurrentHashMap<>();
    /** How long each group waits after {@link Outcome#WAIT}. */
    private final Map<String, Duration> waits = new ConcurrentHashMap<>();

    public GroupReconciler(SpecCache specs, PluginLookup plugins, StatusWriter status, PlanExecutor executor,
                           RollingUpdates updates, Clock clock) {
        this(specs, plugins, status, executor, updates, Admission.none(), clock);
    }

    /** @param admission the policy a spec must pass before any plugin is called for it */
    public GroupReconciler(SpecCache specs, PluginLookup plugins, StatusWriter status, PlanExecutor executor,
                           RollingUpdates updates, Admission admission, Clock clock) {
        this.specs = specs;
        this.plugins = plugins;
        this.status = status;
        this.executor = executor;
        this.updates = updates;
        this.admission = admission;
        this.delegated = new DelegatedGroups(specs, plugins, status, admission, clock);
        this.clock = clock;
    }

    public Outcome reconcile(String id, LeaderTerm term) {
        term.checkActive();
        SpecCache.Entry entry = specs.get(id);
        Optional<Outcome> elsewhere = delegated.reconcile(id, entry, specs.isFree(id), term);
        if (elsewhere.isPresent()) {
            return elsewhere.get(); // a spec naming another group plugin
        }
        if (specs.isFree(id)) {
            if (entry == null || entry.deleted()) {
                return forgetGroup(id, entry, term); // freed and deleted: forgotten ({@code group destroy --force})
            }
            report(held(id, entry.revision()).state(GroupState.FREE), term);
            return Outcome.DONE;
        }
        if (entry == null || entry.deleted()) {
            return destroyGroup(id, entry, term);
        }
        if (entry.definition() == null) {
            // Invalid spec: say so, touch nothing. A new spec revision brings the group back.
            reportError(id, held(id, entry.revision()), entry.error(), term);
            return Outcome.DONE;
        }
        GroupDefinition group = entry.definition();
        try {
            // Before any plugin call: a plugin's own validation may already fetch or read what the spec names.
            admission.check(group);
        } catch (SpecException e) {
            // Refused by the policy (or properties no plugin can read): no plugin is called and the instances are
            // left as they are; a new spec, or a new policy, looks again.
            reportError(id, held(id, group.revision()), e.getMessage(), term);
            return Outcome.DONE;
        }
        try {
            if (!Long.valueOf(group.revision()).equals(validated.get(id))) {
                PluginCheck.check(group, plugins);
                String unknown = PluginCheck.describe(PluginCheck.unknownKeys(null, group, plugins));
                if (unknown == null) {
                    warnings.remove(id);
                } else {
                    warnings.put(id, List.of(unknown + ": ignored, as InfraKit does"));
                    log.warn("spec of {} (revision {}): {}", id, group.revision(), unknown);
                }
                validated.put(id, group.revision());
            }
        } catch (SpecException e) {
            validated.remove(id);
            reportError(id, held(id, group.revision()), e.getMessage(), term);
            return Outcome.RETRY;
        }
        return converge(group, term);
    }

    private Outcome converge(GroupDefinition group, LeaderTerm term) {
        String id = group.id();
        List<InstanceDescription> observed;
        InstancePlugin instances;
        try {
            instances = Step.DESCRIBE.call(null,
                    () -> plugins.instance(group.properties().instance().pluginName()).fenced(term.token()));
            observed = observe(group, instances, term);
        } catch (Step.Failure e) {
            // The plugin cannot say what exists: how many instances there are is unknown, not the last count.
            GroupStatusBuilder s = serving(group, 0, 0, status.last(id).map(GroupStatus::update).orElse(null))
                    .observedUnknown().rolledBack(rolledBack(group));
            report(s.state(e.step() == Step.DESCRIBE ? GroupState.UNREACHABLE : GroupState.ERROR)
                    .error(GroupStatus.LastError.of(e.getMessage(), status.last(id).orElse(null), clock.instant())),
                    term);
            return Outcome.RETRY;
        }
        RollingUpdates.Pass pass;
        CrashLoopBrake.Gate gate;
        PlanExecutor.Result result;
        try {
            Instant now = clock.instant();
            GroupStatus.CrashLoop looping = brake.observe(group, observed, now);
            String pause = specs.pause(id);
            pass = updates.plan(group, observed, status.last(id).map(GroupStatus::update).orElse(null),
                    pause == null ? null : PauseMarker.parse(pause), looping, term);
            UpdateProgress progress = pass.decision().progress();
            gate = brake.gate(id, pass.plan(), progress != null && progress.state() == UpdateState.FAILED, now);
            Plan plan = gate.plan();
            if (!plan.isEmpty()) {
                log.info("{} to create, {} to destroy (desired {}, observed {})", plan.creates().size(),
                        plan.destroys().size(), group.desired(), observed.size());
            }
            plan.destroys().forEach(d -> brake.destroyed(d.instance().id()));
            result = executor.execute(group, instances, plan, term);
            Instant made = clock.instant();
            result.provisioned().forEach(p -> brake.provisioned(id, p.logicalId(), p.instanceId(), made));
            updates.remember(group, term); // after acting: keeps the etcd write off a new spec's first Provision
            if (pass.decision().failure() != null && result.firstFailure() == null) {
                updates.fail(group, pass.decision().failure(), term).ifPresent(r -> rolledBack.put(id, r));
            }
        } catch (Step.Failure e) {
            reportError(id, serving(group, observed.size(), 0, null).rolledBack(rolledBack(group)), e.getMessage(),
                    term);
            return Outcome.RETRY;
        }
        long now = observed.size() + result.created() - result.destroyed();
        GroupStatusBuilder s = serving(group, now,
                pass.plan().outOfDate() + pass.decision().replace().size(), pass.decision().progress())
                .crashLoop(gate.crashLoop()).rolledBack(rolledBack(group)).notes(flavorNotes(group)).serving();
        if (result.firstFailure() != null) {
            reportError(id, s, result.firstFailure().getMessage(), term);
            return Outcome.RETRY;
        }
        report(s, term);
        if (!gate.plan().isEmpty()) {
            return Outcome.REQUEUE;
        }
        if (gate.wake() != null) {
            waits.put(id, gate.wake());
            return Outcome.WAIT;
        }
        return pass.decision().waiting().poll() ? Outcome.POLL : Outcome.DONE;
    }

    /**
     * The update the policy rolled back, while the spec is the one the rollback wrote (the status carries it to
     * the next leader); a later commit drops it.
     */
    private GroupStatus.RolledBack rolledBack(GroupDefinition group) {
        GroupStatus.RolledBack r = rolledBack.get(group.id());
        if (r == null) {
            r = status.last(group.id()).map(GroupStatus::rolledBack).orElse(null);
        }
        if (r != null && r.revision() != group.revision() && r.failedRevision() != group.revision()) {
            rolledBack.remove(group.id());
            return null;
        }
        return r;
    }

    /** After {@link Outcome#WAIT}: how long the brake holds the group's replacements back. */
    public Duration waitFor(String id) {
        Duration d = waits.remove(id);
        return d == null ? Duration.ZERO : d;
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
        List<InstanceDescription> observed = Step.DESCRIBE.call(null,
                () -> instances.describeInstances(selector, false));
        List<InstanceDescription> adopt = Planner.toAdopt(observed);
        if (adopt.isEmpty()) {
            return observed;
        }
        for (InstanceDescription d : adopt) {
            term.checkActive();
            log.info("adopting bootstrap instance {}", d.id());
            Step.LABEL.run(d.id(), () -> instances.label(d.id(),
                    Map.of(Tags.GROUP, group.id(), Tags.CONFIG_SHA, group.configHash())));
        }
        return Step.DESCRIBE.call(null, () -> instances.describeInstances(selector, false));
    }

    /** The spec is gone: destroy every instance of the group, then its status. */
    private Outcome destroyGroup(String id, SpecCache.Entry entry, LeaderTerm term) {
        GroupDefinition last = entry == null ? null : entry.lastValid();
        Optional<GroupStatus> prev = status.last(id);
        String pluginName = last != null ? last.properties().instance().plugin()
                : prev.map(GroupStatus::instancePlugin).orElse(null);
        if (pluginName == null) {
            // Nothing says where its instances live (never valid, never reported): nothing to destroy.
            prev.ifPresent(p -> status.delete(id, term));
            specs.forget(id, entry == null ? Long.MAX_VALUE : entry.revision());
            return Outcome.DONE;
        }
        try {
            InstancePlugin instances = Step.DESCRIBE.call(null,
                    () -> plugins.instance(PluginName.parse(pluginName)).fenced(term.token()));
            List<InstanceDescription> observed = Step.DESCRIBE.call(null,
                    () -> instances.describeInstances(Map.of(Tags.GROUP, id), false));
            if (!observed.isEmpty()) {
                log.info("spec deleted, destroying {} instances", observed.size());
                PlanExecutor.Result r = executor.destroyAll(last, instances, observed, term);
                if (r.firstFailure() != null) {
                    report(withError(deleting(id, prev, pluginName).observed(observed.size() - r.destroyed()),
                            r.firstFailure().getMessage()), term);
                    return Outcome.RETRY;
                }
                return Outcome.REQUEUE;
            }
        } catch (Step.Failure e) {
            // Still deleting, and saying why it cannot: 'group destroy --force' forgets it.
            report(withError(deleting(id, prev, pluginName).observedUnknown(), e.getMessage()), term);
            return Outcome.RETRY;
        }
        forgetGroup(id, entry, term);
        log.info("deleted");
        return Outcome.DONE;
    }

    /** The group is gone from this leader's hands: its status and what is remembered of it go. */
    private Outcome forgetGroup(String id, SpecCache.Entry entry, LeaderTerm term) {
        if (status.last(id).isPresent()) {
            status.delete(id, term);
        }
        validated.remove(id);
        warnings.remove(id);
        updates.forget(id);
        brake.forget(id);
        rolledBack.remove(id);
        specs.forget(id, entry == null ? Long.MAX_VALUE : entry.revision());
        return Outcome.DONE;
    }

    /** A group served normally, at its spec (its state set by {@link GroupStatusBuilder#serving}). */
    private GroupStatusBuilder serving(GroupDefinition group, long observed, long outOfDate,
                                        UpdateProgress update) {
        return GroupStatus.builder(group.id()).desired(group.desired()).observed(observed).outOfDate(outOfDate)
                .configSha(group.configHash()).specRevision(group.revision())
                .instancePlugin(group.properties().instance().plugin()).update(update)
                .warnings(warnings.get(group.id()));
    }

    private static GroupStatusBuilder deleting(String id, Optional<GroupStatus> prev, String plugin) {
        return GroupStatus.builder(id).state(GroupState.DELETING).desired(0)
                .configSha(prev.map(GroupStatus::configSha).orElse(null))
                .specRevision(prev.map(GroupStatus::specRevision).orElse(0L)).instancePlugin(plugin);
    }

    /**
     * The last status, at a new spec revision, for a group this pass does not observe: how many instances it has
     * is unknown now (not the last count).
     */
    private GroupStatusBuilder held(String id, long revision) {
        return status.last(id).map(p -> p.toBuilder().error(null))
                .orElseGet(() -> GroupStatus.builder(id).state(GroupState.ERROR)).specRevision(revision)
                .observedUnknown();
    }

    private void reportError(String id, GroupStatusBuilder s, String message, LeaderTerm term) {
        report(withError(s.state(GroupState.ERROR), message), term);
    }

    /** The status with this error, since when it was first seen. */
    private GroupStatusBuilder withError(GroupStatusBuilder s, String message) {
        GroupStatus previous = status.last(s.build().id()).orElse(null);
        return s.error(GroupStatus.LastError.of(message, previous, clock.instant()));
    }

    private void report(GroupStatusBuilder s, LeaderTerm term) {
        status.write(s.build(), term);
    }

    /**
     * A reconcile ended in an exception or an error rather than an outcome: the status says so (best effort: the
     * failure may be etcd's own), and the group is retried after a backoff.
     */
    public void failed(String id, Throwable error, LeaderTerm term) {
        try {
            if (!term.isActive()) {
                return;
            }
            GroupStatusBuilder s = status.last(id).map(GroupStatus::toBuilder)
                    .orElseGet(() -> GroupStatus.builder(id)).observedUnknown();
            reportError(id, s, "reconcile failed: " + error, term);
        } catch (RuntimeException e) {
            log.debug("could not report the failure in the status: {}", e.toString());
        }
    }

    /** Forgets per-group caches (the group left this leader's hands). */
    public void reset() {
        validated.clear();
        warnings.clear();
        updates.clear();
        brake.clear();
        rolledBack.clear();
        waits.clear();
        delegated.reset();
    }
}
