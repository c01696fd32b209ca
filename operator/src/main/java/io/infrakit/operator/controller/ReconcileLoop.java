package io.infrakit.operator.controller;

import io.infrakit.operator.election.LeaderTerm;
import io.infrakit.operator.election.LostLeadershipException;
import io.infrakit.operator.events.Event;
import io.infrakit.operator.events.EventKind;
import io.infrakit.operator.events.EventRecorder;
import io.infrakit.operator.events.StatusEvents;
import java.time.Clock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * What each worker thread runs while its term lasts: takes a group from the term's queue, reconciles it, and acts
 * on the outcome (DONE forgets it; REQUEUE, POLL and WAIT add it back after their delay; RETRY and failures back
 * it off). A worker never dies of a reconcile's failure, whatever it throws.
 */
final class ReconcileLoop {

    private static final Logger log = LoggerFactory.getLogger(ReconcileLoop.class);

    private final GroupReconciler reconciler;
    private final PluginSubscriptions subscriptions;
    private final ControllerConfig config;
    private final Controller.ReconcileListener listener;
    private final WorkerProgress progress;
    private final EventRecorder events;
    private final Clock clock;

    ReconcileLoop(GroupReconciler reconciler, PluginSubscriptions subscriptions, ControllerConfig config,
                  Controller.ReconcileListener listener, WorkerProgress progress, EventRecorder events, Clock clock) {
        this.reconciler = reconciler;
        this.subscriptions = subscriptions;
        this.config = config;
        this.listener = listener;
        this.progress = progress;
        this.events = events;
        this.clock = clock;
    }

    /**
     * Works the term's queue until the term ends, the queue closes or the thread is interrupted.
     *
     * @param afterError told why, when a reconcile failed with an Error (the leader's memory may be unsound)
     */
    void run(LeaderTerm term, WorkQueue<String> queue, Consumer<String> afterError) {
        while (!Thread.currentThread().isInterrupted()) {
            String id;
            try {
                id = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (id == null) {
                return;
            }
            MDC.put("group", id);
            progress.started(id);
            try {
                if (!reconcile(term, queue, id, afterError)) {
                    return;
                }
            } catch (Throwable again) {
                // Handling a failure failed too (out of memory once more): the group is tried again later.
                retryQuietly(queue, id);
            } finally {
                progress.finished(id);
                queue.done(id);
                MDC.remove("group");
            }
        }
    }

    /** One reconcile of the group, its outcome acted on; false when this term is over for the worker. */
    private boolean reconcile(LeaderTerm term, WorkQueue<String> queue, String id, Consumer<String> afterError) {
        long start = System.nanoTime();
        try {
            if (!term.isActive()) {
                return false;
            }
            subscriptions.subscribe(id);
            GroupReconciler.Outcome outcome = reconciler.reconcile(id, term);
            listener.reconciled(id, outcome, System.nanoTime() - start, null);
            switch (outcome) {
                case DONE -> queue.forget(id);
                case REQUEUE -> {
                    queue.forget(id);
                    queue.addAfter(id, config.requeue());
                }
                case POLL -> {
                    queue.forget(id);
                    queue.addAfter(id, config.healthPoll());
                }
                case WAIT -> {
                    queue.forget(id);
                    queue.addAfter(id, reconciler.waitFor(id));
                }
                case RETRY -> log.info("retrying in {} ms", queue.addRateLimited(id).toMillis());
                default -> throw new IllegalStateException();
            }
        } catch (LostLeadershipException e) {
            listener.reconciled(id, GroupReconciler.Outcome.RETRY, System.nanoTime() - start, e);
            log.warn("stopped: {}", e.getMessage());
            return false;
        } catch (RuntimeException e) {
            listener.reconciled(id, GroupReconciler.Outcome.RETRY, System.nanoTime() - start, e);
            reconciler.failed(id, e, term);
            log.warn("reconcile failed, retrying in {} ms: {}", queue.addRateLimited(id).toMillis(), e.toString());
            recordError(id, e);
        } catch (Error e) {
            // Out of memory, a stack overflow, a plugin's own error: this reconcile failed, not the worker.
            retryQuietly(queue, id);
            log.error("reconcile failed with an error; retrying after a backoff", e);
            listener.reconciled(id, GroupReconciler.Outcome.RETRY, System.nanoTime() - start, e);
            reconciler.failed(id, e, term);
            recordError(id, e);
            afterError.accept("a reconcile of " + id + " failed with " + e);
        }
        return true;
    }

    private void recordError(String id, Throwable e) {
        events.record(Event.of(clock.instant(), id, EventKind.ERROR, null, StatusEvents.CONTROLLER,
                "reconcile failed: " + (e.getMessage() == null ? e.toString() : e.getMessage())));
    }

    private static void retryQuietly(WorkQueue<String> queue, String id) {
        try {
            queue.addRateLimited(id);
        } catch (Throwable e) {
            // Nothing more can be done for it now: the next resync queues it again.
        }
    }
}
