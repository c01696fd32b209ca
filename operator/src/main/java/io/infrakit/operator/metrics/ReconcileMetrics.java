package io.infrakit.operator.metrics;

import io.infrakit.operator.controller.Controller;
import io.infrakit.operator.controller.GroupReconciler;
import io.infrakit.operator.group.GroupStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * controller-runtime's reconcile and work-queue metrics for the group controller, and each group's desired and
 * observed instances and rolling-update progress as of its last reconcile on this replica.
 */
final class ReconcileMetrics implements Controller.ReconcileListener {

    private final MeterRegistry registry;
    private final Map<String, Counter> results = new ConcurrentHashMap<>();
    private final Counter errors;
    private final Timer reconcileTime;
    private final Counter adds;
    private final Counter retries;
    private final Timer queueDuration;
    private final Timer workDuration;
    private final GroupGauges groups;
    private volatile Function<String, Optional<GroupStatus>> statuses = id -> Optional.empty();

    ReconcileMetrics(MeterRegistry registry) {
        this.registry = registry;
        String c = OperatorMetrics.CONTROLLER;
        errors = Counter.builder("controller_runtime_reconcile_errors")
                .description("Reconciles that failed (an error in the group's status, or an exception)")
                .tag("controller", c).register(registry);
        reconcileTime = Timer.builder("controller_runtime_reconcile_time")
                .description("Time of one reconcile of one group").tag("controller", c)
                .serviceLevelObjectives(Buckets.RECONCILE).register(registry);
        adds = Counter.builder("workqueue_adds").description("Groups put into the work queue")
                .tag("name", c).register(registry);
        retries = Counter.builder("workqueue_retries").description("Groups re-queued after a backoff, for a failure")
                .tag("name", c).register(registry);
        queueDuration = Timer.builder("workqueue_queue_duration").description("Time a group waited in the queue")
                .tag("name", c).serviceLevelObjectives(Buckets.RECONCILE).register(registry);
        workDuration = Timer.builder("workqueue_work_duration")
                .description("Time from taking a group from the queue to being done with it")
                .tag("name", c).serviceLevelObjectives(Buckets.RECONCILE).register(registry);
        for (String result : new String[] {"success", "error", "requeue_after"}) {
            result(result); // present at zero from the start, so rate() sees the first one
        }
        groups = new GroupGauges(registry);
    }

    void bind(Controller controller) {
        Gauge.builder("workqueue_depth", controller, Controller::queueDepth)
                .description("Groups waiting in the work queue").tag("name", OperatorMetrics.CONTROLLER)
                .register(registry);
        statuses = controller::lastStatus;
    }

    /** This replica no longer leads: its view of the groups goes stale, so it stops reporting them. */
    void clearGroups() {
        groups.clear();
    }

    @Override
    public void reconciled(String groupId, GroupReconciler.Outcome outcome, long nanos, Throwable error) {
        String result = error != null || outcome == GroupReconciler.Outcome.RETRY ? "error"
                : outcome == GroupReconciler.Outcome.DONE ? "success" : "requeue_after";
        result(result).increment();
        if ("error".equals(result)) {
            errors.increment();
            retries.increment(); // a failed reconcile is always re-queued with backoff
        }
        reconcileTime.record(nanos, TimeUnit.NANOSECONDS);
        workDuration.record(nanos, TimeUnit.NANOSECONDS);
        groups.update(groupId, statuses.apply(groupId).orElse(null));
    }

    @Override
    public void queued(String groupId) {
        adds.increment();
    }

    @Override
    public void dequeued(String groupId, long waitNanos) {
        queueDuration.record(waitNanos, TimeUnit.NANOSECONDS);
    }

    private Counter result(String result) {
        return results.computeIfAbsent(result, r -> Counter.builder("controller_runtime_reconcile")
                .description("Reconciles by result").tag("controller", OperatorMetrics.CONTROLLER).tag("result", r)
                .register(registry));
    }
}
