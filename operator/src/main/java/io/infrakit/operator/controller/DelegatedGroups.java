package io.infrakit.operator.controller;

import io.infrakit.operator.controller.GroupReconciler.Outcome;
import io.infrakit.operator.election.LeaderTerm;
import io.infrakit.operator.election.LostLeadershipException;
import io.infrakit.operator.group.DelegatedGroup;
import io.infrakit.operator.group.GroupState;
import io.infrakit.operator.group.GroupStatus;
import io.infrakit.operator.group.GroupStatusBuilder;
import io.infrakit.operator.policy.Admission;
import io.infrakit.operator.policy.PolicyException;
import io.infrakit.plugins.PluginLookup;
import io.infrakit.plugins.PluginNotFoundException;
import io.infrakit.plugins.rpc.RpcException;
import io.infrakit.plugins.spi.GroupDescription;
import io.infrakit.plugins.spi.GroupPlugin;
import io.infrakit.plugins.spi.PluginException;
import io.infrakit.plugins.spi.PluginName;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Groups whose spec names another Group plugin: the leader forwards the spec to it, as InfraKit's manager does,
 * and reports what the plugin says. It commits when the spec's revision is new to this leader term (so a new leader
 * commits every delegated spec once), describes the group on every pass (a plugin that answers with an error, as
 * a restarted plugin that forgot the group does, gets the spec again), frees it for a free marker and destroys it
 * when the spec is deleted. A group that moves to another plugin, or back to the controller, is freed on the
 * plugin that held it first, so two never manage it. Every call is preceded by the leader term's check.
 */
final class DelegatedGroups {

    private static final Logger log = LoggerFactory.getLogger(DelegatedGroups.class);

    private final SpecCache specs;
    private final PluginLookup plugins;
    private final StatusWriter status;
    private final Admission admission;
    private final Clock clock;
    /** The spec revision each delegated group was committed at in this leader term. */
    private final Map<String, Long> committed = new ConcurrentHashMap<>();

    DelegatedGroups(SpecCache specs, PluginLookup plugins, StatusWriter status, Admission admission, Clock clock) {
        this.specs = specs;
        this.plugins = plugins;
        this.status = status;
        this.admission = admission;
        this.clock = clock;
    }

    /** A group plugin call that failed, named as the status names it: {@code "CommitGroup failed: ..."}. */
    private static final class CallFailed extends RuntimeException {
        CallFailed(String call, PluginException cause) {
            super(call + " failed: " + (cause.getMessage() == null ? cause.toString() : cause.getMessage()), cause);
        }
    }

    /**
     * Reconciles the group when a group plugin holds it or is to hold it; empty when it is the controller's to
     * converge (after freeing it on a plugin that held it before).
     */
    Optional<Outcome> reconcile(String id, SpecCache.Entry entry, boolean free, LeaderTerm term) {
        GroupStatus last = status.last(id).orElse(null);
        String held = last == null ? null : last.groupPlugin();
        DelegatedGroup spec = entry == null ? null : entry.delegated();
        try {
            if (entry == null || entry.deleted()) {
                String plugin = spec != null ? spec.plugin() : entry != null && entry.lastValid() != null ? null : held;
                return plugin == null ? Optional.empty() : Optional.of(destroy(id, entry, plugin, last, term));
            }
            if (spec != null) {
                if (!free && refused(spec, last, term)) {
                    return Optional.of(Outcome.DONE); // a new spec, or a new policy, looks again
                }
                if (held != null && !held.equals(spec.plugin())) {
                    release(id, held, term);
                    committed.remove(id);
                }
                return Optional.of(free ? free(spec, last, term) : serve(spec, last, term));
            }
            if (held != null && entry.definition() != null) {
                release(id, held, term);
                committed.remove(id);
                status.write(last.toBuilder().groupPlugin(null).state(GroupState.CONVERGING).error(null).build(), term);
            }
            return Optional.empty();
        } catch (CallFailed e) {
            String plugin = spec != null ? spec.plugin() : held;
            GroupStatusBuilder s = last != null ? last.toBuilder() : GroupStatus.builder(id);
            if (spec != null) {
                s.specRevision(spec.revision()).configSha(spec.configHash());
            }
            boolean deleting = entry == null || entry.deleted();
            report(s.groupPlugin(plugin).instancePlugin(null).state(deleting ? GroupState.DELETING : GroupState.ERROR)
                    .error(GroupStatus.LastError.of(e.getMessage(), last, clock.instant())), term);
            return Optional.of(Outcome.RETRY);
        }
    }

    /**
     * Whether the policy refuses the group plugin the spec names: then no plugin is called (a plugin that holds
     * the group keeps it as it is) and the status says why.
     */
    private boolean refused(DelegatedGroup spec, GroupStatus last, LeaderTerm term) {
        try {
            admission.check(spec);
            return false;
        } catch (PolicyException e) {
            GroupStatusBuilder s = last != null ? last.toBuilder() : GroupStatus.builder(spec.id());
            report(s.specRevision(spec.revision()).configSha(spec.configHash()).groupPlugin(spec.plugin())
                    .instancePlugin(null).state(GroupState.ERROR)
                    .error(GroupStatus.LastError.of(e.getMessage(), last, clock.instant())), term);
            return true;
        }
    }

    /** Commits the spec if this term has not yet, then reports what the plugin describes. */
    private Outcome serve(DelegatedGroup spec, GroupStatus last, LeaderTerm term) {
        String id = spec.id();
        boolean due = !Long.valueOf(spec.revision()).equals(committed.get(id));
        GroupPlugin plugin = call(due ? "CommitGroup" : "DescribeGroup", term, () -> plugins.group(spec.pluginName()));
        boolean fresh = false;
        if (due) {
            commit(plugin, spec, term);
            fresh = true;
        }
        GroupDescription d;
        try {
            d = call("DescribeGroup", term, () -> plugin.describeGroup(id));
        } catch (CallFailed e) {
            if (fresh || !(e.getCause() instanceof RpcException)) {
                throw e;
            }
            // It answered, but not with the group: restarted and forgot it, or freed by someone. Give it again.
            log.info("{} answered DescribeGroup with '{}': committing the spec again", spec.plugin(),
                    e.getCause().getMessage());
            commit(plugin, spec, term);
            d = call("DescribeGroup", term, () -> plugin.describeGroup(id));
        }
        long observed = d.instances().size();
        report(GroupStatus.builder(id).state(d.converged() ? GroupState.CONVERGED : GroupState.CONVERGING)
                .observed(observed).configSha(spec.configHash()).specRevision(spec.revision())
                .groupPlugin(spec.plugin()), term);
        if (last == null || last.converged() != d.converged() || !Long.valueOf(observed).equals(last.observed())) {
            log.info("{}: {} instances, {}", spec.plugin(), observed, d.converged() ? "converged" : "converging");
        }
        return d.converged() ? Outcome.DONE : Outcome.POLL;
    }

    private void commit(GroupPlugin plugin, DelegatedGroup spec, LeaderTerm term) {
        String details = call("CommitGroup", term, () -> plugin.commitGroup(spec.forwarded(), false));
        committed.put(spec.id(), spec.revision());
        log.info("committed revision {} to group plugin {}: {}", spec.revision(), spec.plugin(), details);
    }

    /** A free marker: FreeGroup once (its instances stay), then the status says free. */
    private Outcome free(DelegatedGroup spec, GroupStatus last, LeaderTerm term) {
        String id = spec.id();
        boolean done = last != null && last.state() == GroupState.FREE && spec.plugin().equals(last.groupPlugin())
                && last.specRevision() == spec.revision();
        if (!done) {
            GroupPlugin plugin = call("FreeGroup", term, () -> plugins.group(spec.pluginName()));
            unlessNotWatched("FreeGroup", term, () -> plugin.freeGroup(id));
            committed.remove(id);
            log.info("freed on group plugin {}", spec.plugin());
        }
        report((last != null ? last.toBuilder() : GroupStatus.builder(id)).state(GroupState.FREE).error(null)
                .specRevision(spec.revision()).configSha(spec.configHash()).groupPlugin(spec.plugin())
                .instancePlugin(null), term);
        return Outcome.DONE;
    }

    /** The spec is gone: DestroyGroup (the plugin destroys the instances), then the status goes. */
    private Outcome destroy(String id, SpecCache.Entry entry, String pluginName, GroupStatus last, LeaderTerm term) {
        // A plugin that is not running fails here: the group stays its to destroy once it is back.
        GroupPlugin plugin = call("DestroyGroup", term, () -> plugins.group(PluginName.parse(pluginName)));
        unlessNotWatched("DestroyGroup", term, () -> plugin.destroyGroup(id));
        log.info("spec deleted: destroyed on group plugin {}", pluginName);
        if (last != null) {
            status.delete(id, term);
        }
        committed.remove(id);
        specs.forget(id, entry == null ? Long.MAX_VALUE : entry.revision());
        return Outcome.DONE;
    }

    /** Frees the group on the plugin that held it; a plugin that is not running, or no longer has it, holds nothing. */
    private void release(String id, String held, LeaderTerm term) {
        GroupPlugin plugin;
        try {
            plugin = call("FreeGroup", term, () -> plugins.group(PluginName.parse(held)));
        } catch (CallFailed e) {
            if (e.getCause() instanceof PluginNotFoundException) {
                log.warn("group plugin {} held this group and is not running: not freed there", held);
                return;
            }
            throw e;
        }
        unlessNotWatched("FreeGroup on " + held, term, () -> plugin.freeGroup(id));
        log.info("freed on group plugin {}: its spec no longer names it", held);
    }

    /** A call that is done when the plugin says the group is not (any more) being watched: InfraKit's words. */
    private static void unlessNotWatched(String name, LeaderTerm term, Runnable call) {
        try {
            call(name, term, () -> {
                call.run();
                return null;
            });
        } catch (CallFailed e) {
            if (!(e.getCause() instanceof RpcException) || !e.getCause().getMessage().contains("is not being watched")) {
                throw e;
            }
        }
    }

    private static <T> T call(String name, LeaderTerm term, Supplier<T> call) {
        term.checkActive();
        try {
            return call.get();
        } catch (LostLeadershipException e) {
            throw e;
        } catch (PluginException e) {
            throw new CallFailed(name, e);
        }
    }

    private void report(GroupStatusBuilder s, LeaderTerm term) {
        status.write(s.build(), term);
    }

    /** Forgets what was committed: the next leader term commits every delegated spec again. */
    void reset() {
        committed.clear();
    }
}
