package io.infrakit.operator.controller;

import io.infrakit.operator.election.LeaderTerm;
import io.infrakit.operator.election.LostLeadershipException;
import io.infrakit.operator.events.Event;
import io.infrakit.operator.events.EventKind;
import io.infrakit.operator.events.EventSink;
import io.infrakit.operator.events.StatusEvents;
import io.infrakit.operator.group.GroupDefinition;
import io.infrakit.operator.group.Plan;
import io.infrakit.plugins.PluginLookup;
import io.infrakit.plugins.group.PluginSpec;
import io.infrakit.plugins.group.Tags;
import io.infrakit.plugins.spi.FlavorPlugin;
import io.infrakit.plugins.spi.Index;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.spi.InstancePlugin;
import io.infrakit.plugins.spi.InstanceSpec;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Carries out a plan through the plugins: Prepare + Provision for each create, Drain + Destroy for each destroy, at
 * most {@code maxParallel} calls of one group at a time. Every step first checks the leader's term, so a replica
 * that lost leadership stops calling plugins between steps. Each instance provisioned or destroyed is an event.
 */
public final class PlanExecutor {

    /**
     * What was done: the instances provisioned, how many were destroyed, and the first failure (null when none
     * failed).
     */
    public record Result(List<Provisioned> provisioned, int destroyed, Step.Failure firstFailure) {

        public Result {
            provisioned = List.copyOf(provisioned);
        }

        public int created() {
            return provisioned.size();
        }
    }

    /** An instance a Provision made; {@code logicalId} null for cattle. */
    public record Provisioned(String logicalId, String instanceId) {
    }

    private static final Logger log = LoggerFactory.getLogger(PlanExecutor.class);

    private final PluginLookup plugins;
    private final ExecutorService pool;
    private final int maxParallel;
    private final EventSink events;
    private final Clock clock;
    private final Runnable stepDone;

    public PlanExecutor(PluginLookup plugins, ExecutorService pool, int maxParallel) {
        this(plugins, pool, maxParallel, EventSink.NONE, Clock.systemUTC(), () -> { });
    }

    /** @param stepDone told after each step, however it ended (the controller's progress check) */
    public PlanExecutor(PluginLookup plugins, ExecutorService pool, int maxParallel, EventSink events, Clock clock,
                        Runnable stepDone) {
        this.plugins = plugins;
        this.pool = pool;
        this.maxParallel = Math.max(1, maxParallel);
        this.events = events;
        this.clock = clock;
        this.stepDone = stepDone;
    }

    /** Carries out the plan on the group's instance plugin (the one its instances were listed from). */
    public Result execute(GroupDefinition group, InstancePlugin instances, Plan plan, LeaderTerm term) {
        if (plan.isEmpty()) {
            return new Result(List.of(), 0, null);
        }
        FlavorPlugin flavor = flavor(group);
        if (flavor == null && !plan.creates().isEmpty()) {
            return new Result(List.of(), 0, new Step.Failure(Step.PREPARE, null, "flavor plugin '"
                    + group.properties().flavor().plugin() + "' unavailable"));
        }
        Queue<Provisioned> created = new ConcurrentLinkedQueue<>();
        AtomicInteger destroyed = new AtomicInteger();
        AtomicReference<Step.Failure> error = new AtomicReference<>();
        List<Callable<Void>> steps = new ArrayList<>();
        for (Plan.Create c : plan.creates()) {
            steps.add(step(error, () -> created.add(new Provisioned(c.logicalId(),
                    create(group, c.logicalId(), instances, flavor, term)))));
        }
        for (Plan.Destroy d : plan.destroys()) {
            steps.add(step(error, () -> {
                destroy(group.id(), group.properties().flavor(), d.cause().drain() ? flavor : null, instances,
                        d.instance(), d.reason(), d.cause().pluginReason(), term);
                destroyed.incrementAndGet();
            }));
        }
        run(steps);
        return new Result(List.copyOf(created), destroyed.get(), error.get());
    }

    /** Destroys every listed instance of a group whose spec is gone ({@code last} may be null: then no drain). */
    public Result destroyAll(GroupDefinition last, InstancePlugin instances,
                             List<InstanceDescription> observed, LeaderTerm term) {
        FlavorPlugin drainer = last == null ? null : flavor(last);
        PluginSpec flavorSpec = last == null ? null : last.properties().flavor();
        AtomicInteger destroyed = new AtomicInteger();
        AtomicReference<Step.Failure> error = new AtomicReference<>();
        List<Callable<Void>> steps = new ArrayList<>();
        for (InstanceDescription d : observed) {
            String group = d.tagsOrEmpty().getOrDefault(Tags.GROUP, last == null ? "" : last.id());
            steps.add(step(error, () -> {
                destroy(group, flavorSpec, drainer, instances, d, "group deleted", Plan.Cause.TERMINATE.pluginReason(),
                        term);
                destroyed.incrementAndGet();
            }));
        }
        run(steps);
        return new Result(List.of(), destroyed.get(), error.get());
    }

    /** The group's flavor plugin, or null (then nothing is drained, and nothing can be created). */
    private FlavorPlugin flavor(GroupDefinition group) {
        try {
            return plugins.flavor(group.properties().flavor().pluginName());
        } catch (RuntimeException e) {
            log.warn("flavor plugin unavailable ({}): destroying without drain, creating nothing", e.getMessage());
            return null;
        }
    }

    private String create(GroupDefinition group, String logicalId, InstancePlugin instances, FlavorPlugin flavor,
                          LeaderTerm term) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(Tags.GROUP, group.id());
        tags.put(Tags.CONFIG_SHA, group.configHash());
        if (logicalId != null) {
            tags.put(Tags.LOGICAL_ID, logicalId);
        }
        PluginSpec inst = group.properties().instance();
        InstanceSpec spec = new InstanceSpec(inst.properties(), tags, "", logicalId, null);
        term.checkActive();
        InstanceSpec prepared = Step.PREPARE.call(logicalId, () -> flavor.prepare(
                group.properties().flavor().properties(), spec, group.allocation(),
                new Index(group.id(), group.desired())));
        term.checkActive();
        String id = Step.PROVISION.call(logicalId, () -> instances.provision(prepared));
        log.info("provisioned {}{}", id, logicalId == null ? "" : " (" + logicalId + ")");
        events.record(Event.of(clock.instant(), group.id(), EventKind.PROVISION, id, StatusEvents.CONTROLLER,
                "provisioned " + id + (logicalId == null ? "" : " (" + logicalId + ")")));
        return id;
    }

    private void destroy(String group, PluginSpec flavorSpec, FlavorPlugin flavor, InstancePlugin instances,
                         InstanceDescription d, String reason, String pluginReason, LeaderTerm term) {
        if (flavor != null) {
            term.checkActive();
            try {
                flavor.drain(flavorSpec.properties(), d);
            } catch (RuntimeException e) {
                // Drain is best effort, as in InfraKit: the instance is destroyed anyway.
                log.warn("drain of {} failed, destroying anyway: {}", d.id(), e.getMessage());
            }
        }
        term.checkActive();
        Step.DESTROY.run(d.id(), () -> instances.destroy(d.id(), pluginReason));
        log.info("destroyed {} ({})", d.id(), reason);
        events.record(Event.of(clock.instant(), group, EventKind.DESTROY, d.id(), StatusEvents.CONTROLLER,
                "destroyed " + d.id() + " (" + reason + ")"));
    }

    private Callable<Void> step(AtomicReference<Step.Failure> error, Runnable body) {
        Map<String, String> context = MDC.getCopyOfContextMap();
        return () -> {
            if (context != null) {
                MDC.setContextMap(context); // log lines of a step carry the group, like the reconcile's own
            }
            try {
                body.run();
            } catch (Step.Failure e) {
                error.compareAndSet(null, e);
            } finally {
                stepDone.run(); // in the step's log context: the group is known
                MDC.clear();
            }
            return null;
        };
    }

    /**
     * Runs the steps, at most {@code maxParallel} at a time: that many runners take the next step as soon as they
     * finish one (no batch barrier). A single step runs on the caller's thread.
     */
    private void run(List<Callable<Void>> steps) {
        if (steps.size() == 1) {
            call(steps.get(0));
            return;
        }
        AtomicInteger next = new AtomicInteger();
        Callable<Void> runner = () -> {
            for (int i = next.getAndIncrement(); i < steps.size(); i = next.getAndIncrement()) {
                call(steps.get(i));
            }
            return null;
        };
        List<Future<Void>> running = new ArrayList<>();
        for (int r = 0; r < Math.min(maxParallel, steps.size()); r++) {
            running.add(pool.submit(runner));
        }
        for (Future<Void> f : running) {
            try {
                f.get();
            } catch (InterruptedException e) {
                running.forEach(x -> x.cancel(true));
                Thread.currentThread().interrupt();
                throw new LostLeadershipException("interrupted");
            } catch (ExecutionException e) {
                running.forEach(x -> x.cancel(true));
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                throw new IllegalStateException(e.getCause());
            }
        }
    }

    private static void call(Callable<Void> step) {
        try {
            step.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
