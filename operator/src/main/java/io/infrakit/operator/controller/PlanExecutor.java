package io.infrakit.operator.controller;

import io.infrakit.operator.election.LeaderTerm;
import io.infrakit.operator.election.LostLeadershipException;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
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
 * that lost leadership stops calling plugins between steps.
 */
public final class PlanExecutor {

    /** How many steps succeeded, and the first failure's message (null when none failed). */
    public record Result(int created, int destroyed, String firstError) {
    }

    private static final Logger log = LoggerFactory.getLogger(PlanExecutor.class);

    private final PluginLookup plugins;
    private final ExecutorService pool;
    private final int maxParallel;

    public PlanExecutor(PluginLookup plugins, ExecutorService pool, int maxParallel) {
        this.plugins = plugins;
        this.pool = pool;
        this.maxParallel = Math.max(1, maxParallel);
    }

    public Result execute(GroupDefinition group, Plan plan, LeaderTerm term) {
        if (plan.isEmpty()) {
            return new Result(0, 0, null);
        }
        InstancePlugin instances = plugins.instance(group.properties().instance().pluginName());
        FlavorPlugin flavor = plugins.flavor(group.properties().flavor().pluginName());
        AtomicInteger created = new AtomicInteger();
        AtomicInteger destroyed = new AtomicInteger();
        AtomicReference<String> error = new AtomicReference<>();
        List<Callable<Void>> steps = new ArrayList<>();
        for (Plan.Create c : plan.creates()) {
            steps.add(step(error, "Provision", () -> {
                create(group, c.logicalId(), instances, flavor, term);
                created.incrementAndGet();
            }));
        }
        for (Plan.Destroy d : plan.destroys()) {
            steps.add(step(error, "Destroy " + d.instance().id(), () -> {
                destroy(group.properties().flavor(), d.drain() ? flavor : null, instances, d.instance(), d.reason(),
                        d.rolling() ? "rolling_update" : "terminate", term);
                destroyed.incrementAndGet();
            }));
        }
        run(steps);
        return new Result(created.get(), destroyed.get(), error.get());
    }

    /** Destroys every listed instance of a group whose spec is gone ({@code last} may be null: then no drain). */
    public Result destroyAll(GroupDefinition last, InstancePlugin instances,
                             List<InstanceDescription> observed, LeaderTerm term) {
        FlavorPlugin flavor = null;
        if (last != null) {
            try {
                flavor = plugins.flavor(last.properties().flavor().pluginName());
            } catch (RuntimeException e) {
                log.warn("flavor plugin unavailable, destroying without drain: {}", e.getMessage());
            }
        }
        PluginSpec flavorSpec = last == null ? null : last.properties().flavor();
        FlavorPlugin drainer = flavor;
        AtomicInteger destroyed = new AtomicInteger();
        AtomicReference<String> error = new AtomicReference<>();
        List<Callable<Void>> steps = new ArrayList<>();
        for (InstanceDescription d : observed) {
            steps.add(step(error, "Destroy " + d.id(), () -> {
                destroy(flavorSpec, drainer, instances, d, "group deleted", "terminate", term);
                destroyed.incrementAndGet();
            }));
        }
        run(steps);
        return new Result(0, destroyed.get(), error.get());
    }

    private void create(GroupDefinition group, String logicalId, InstancePlugin instances, FlavorPlugin flavor,
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
        InstanceSpec prepared = flavor.prepare(group.properties().flavor().properties(), spec, group.allocation(),
                new Index(group.id(), group.desired()));
        term.checkActive();
        String id = instances.provision(prepared);
        log.info("provisioned {}{}", id, logicalId == null ? "" : " (" + logicalId + ")");
    }

    private void destroy(PluginSpec flavorSpec, FlavorPlugin flavor, InstancePlugin instances,
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
        instances.destroy(d.id(), pluginReason);
        log.info("destroyed {} ({})", d.id(), reason);
    }

    private static Callable<Void> step(AtomicReference<String> error, String what, Runnable body) {
        Map<String, String> context = MDC.getCopyOfContextMap();
        return () -> {
            if (context != null) {
                MDC.setContextMap(context); // log lines of a step carry the group, like the reconcile's own
            }
            try {
                body.run();
            } catch (LostLeadershipException e) {
                throw e;
            } catch (RuntimeException e) {
                error.compareAndSet(null, what + " failed: " + e.getMessage());
            } finally {
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
