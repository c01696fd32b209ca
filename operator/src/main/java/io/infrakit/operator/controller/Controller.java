package io.infrakit.operator.controller;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import io.infrakit.operator.Keys;
import io.infrakit.operator.election.LeaderTerm;
import io.infrakit.operator.election.LeaderWork;
import io.infrakit.operator.events.EventRecorder;
import io.infrakit.operator.events.EventStore;
import io.infrakit.operator.group.GroupRouting;
import io.infrakit.operator.group.GroupStatus;
import io.infrakit.operator.policy.Admission;
import io.infrakit.operator.policy.PolicyKey;
import io.infrakit.operator.write.GroupWrites;
import io.infrakit.plugins.PluginLookup;
import io.infrakit.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the group specs and, while this replica leads, reconciles them. {@link #start} fills the spec cache
 * (standbys keep it warm); {@link #lead} starts workers for one leader term; {@link #standDown} stops them.
 * Events, resyncs and plugin notifications only put group IDs into the work queue; each reconcile reads the whole
 * current state.
 */
public final class Controller implements LeaderWork, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Controller.class);
    /** After an Error, the workers start afresh; more Errors within this only back their group off. */
    static final Duration ERROR_RESTARTS = Duration.ofMinutes(1);

    private final Store store;
    private final Keys keys;
    private final ControllerConfig config;
    private final SpecCache specs;
    private final StatusWriter status;
    private final ScheduledExecutorService scheduler;
    private final PluginCallPool pluginPool;
    private final GroupReconciler reconciler;
    private final PluginSubscriptions subscriptions;
    private final ReconcileLoop loop;
    private final List<Store.Watch> watches = new ArrayList<>();
    private final ReconcileListener listener;
    private final Admission admission;
    private final WorkerProgress progress;
    /** When workers were last restarted after an Error (nanoTime; 0: never): at most once per ERROR_RESTARTS. */
    private volatile long lastErrorRestart;
    private final EventRecorder events;
    private final HeapTrimmer heapTrimmer;

    private volatile Term current;
    /** The term whose work is held while etcd's history is re-listed after a rewind (guarded by this). */
    private LeaderTerm held;

    /** Observes reconciles (metrics, tests, benchmarks). */
    public interface ReconcileListener {
        void reconciled(String groupId, GroupReconciler.Outcome outcome, long nanos, Throwable error);

        /** A group entered the work queue. */
        default void queued(String groupId) {
        }

        /** A worker took a group from the queue after it waited there {@code waitNanos}. */
        default void dequeued(String groupId, long waitNanos) {
        }

        ReconcileListener NONE = (id, outcome, nanos, error) -> { };
    }

    public Controller(Store store, Keys keys, PluginLookup plugins, ControllerConfig config) {
        this(store, keys, plugins, config, Clock.systemUTC(), ReconcileListener.NONE);
    }

    public Controller(Store store, Keys keys, PluginLookup plugins, ControllerConfig config, Clock clock,
                      ReconcileListener listener) {
        this(store, keys, plugins, config, clock, listener, GroupRouting.DEFAULT);
    }

    /** @param routing which specs name another group plugin (the leader forwards those to it) */
    public Controller(Store store, Keys keys, PluginLookup plugins, ControllerConfig config, Clock clock,
                      ReconcileListener listener, GroupRouting routing) {
        this(store, keys, plugins, config, clock, listener, routing, Admission.none());
    }

    /**
     * @param admission the spec policy, applied before any plugin call for a group (and to the rollbacks it
     *                  commits); a policy kept in etcd is watched, and every group looked at again when it changes
     */
    public Controller(Store store, Keys keys, PluginLookup plugins, ControllerConfig config, Clock clock,
                      ReconcileListener listener, GroupRouting routing, Admission admission) {
        this.store = store;
        this.admission = admission;
        this.keys = keys;
        this.config = config;
        this.listener = listener;
        this.events = new EventRecorder(new EventStore(store, keys), clock, EventRecorder.INTERVAL);
        this.specs = new SpecCache(keys, routing, this::enqueue, config.maxInstances());
        specs.onRewind(this::holdForRewind, () -> resumeHeld("etcd's history re-listed"));
        specs.onSynced(() -> resumeHeld("specs read"));
        this.status = new StatusWriter(store, keys, events, clock);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon("infrakit-scheduler"));
        // Idle threads end a little after a resync that could use them again.
        this.pluginPool = new PluginCallPool(daemon("infrakit-plugin-call"), config.resync().plusSeconds(5));
        this.progress = new WorkerProgress(config.stallAfter());
        this.reconciler = new GroupReconciler(specs, plugins, status,
                new PlanExecutor(plugins, pluginPool, config.maxParallel(), events, clock, progress::progressed),
                new RollingUpdates(new GroupWrites(store, keys, plugins, clock).reportingTo(events)
                        .limitedTo(config.maxInstances()).admitting(admission), plugins, clock, config.batch()), admission,
                clock);
        this.subscriptions = new PluginSubscriptions(specs, plugins, admission, this::enqueue);
        this.loop = new ReconcileLoop(reconciler, subscriptions, config, listener, progress, events, clock);
        this.heapTrimmer = new HeapTrimmer(HeapTrimmer.jvm(), () -> queueDepth() > 0 ? 0 : progress.quietNanos(),
                System::nanoTime);
    }

    /** Starts watching specs. Returns at once; {@link #isSynced} tells when the cache is filled. */
    public synchronized void start() {
        if (!watches.isEmpty()) {
            return;
        }
        heapTrimmer.start(scheduler);
        watches.add(store.watch(keys.groups(), 0, specs.specListener()));
        watches.add(store.watch(keys.freed(), 0, specs.freeListener()));
        watches.add(store.watch(keys.paused(), 0, specs.pauseListener()));
        if (admission.source() instanceof PolicyKey policy) {
            watches.add(policy.watch(() -> {
                resumeHeld("specs and policy read");
                resync();
            }));
        }
    }

    /** The spec cache is filled, and the policy read when it is kept in etcd. */
    public boolean isSynced() {
        return specs.isSynced() && (!(admission.source() instanceof PolicyKey policy) || policy.isSynced());
    }

    public SpecCache specs() {
        return specs;
    }

    @Override
    public boolean isLeading() {
        Term t = current;
        return t != null && t.term.isActive();
    }

    /** Starts reconciling for one leader term. Reads the stored statuses first, so nothing identical is rewritten. */
    @Override
    public synchronized void lead(LeaderTerm term) {
        standDown();
        if (specs.isRewinding() || !isSynced()) {
            // Started once etcd's history is re-listed, or (elected while starting) once the caches are filled.
            held = term;
            return;
        }
        Term t = new Term(term);
        current = t;
        Set<String> known = new HashSet<>(status.load().keySet());
        known.addAll(specs.ids());
        progress.reset();
        events.lead(term);
        ThreadFactory workerThreads = daemon("infrakit-worker");
        for (int i = 0; i < config.workers(); i++) {
            Thread w = workerThreads.newThread(() -> loop.run(t.term, t.queue,
                    reason -> restartAfterError(t, reason)));
            t.workers.add(w);
            w.start();
        }
        t.resync = scheduler.scheduleWithFixedDelay(this::resync, config.resync().toMillis(),
                config.resync().toMillis(), TimeUnit.MILLISECONDS);
        known.forEach(t.queue::add);
        log.info("reconciling {} groups", known.size());
    }

    /**
     * Stops the workers of the current term (in-flight plugin calls are interrupted) and waits for them and for
     * every plugin call they started: when this returns, this replica calls no plugin (unless a call ignores the
     * interrupt for longer than the wait; that is logged).
     */
    @Override
    public synchronized void standDown() {
        held = null;
        Term t = current;
        if (t == null) {
            return;
        }
        current = null;
        t.resync.cancel(false);
        t.queue.close();
        t.workers.forEach(Thread::interrupt);
        for (Thread w : t.workers) {
            try {
                w.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        // A worker stops at once, but the plugin calls it ran in parallel (now interrupted) may still be finishing.
        try {
            int still = pluginPool.awaitIdle(TimeUnit.SECONDS.toNanos(10));
            if (still > 0) {
                log.warn("{} plugin calls still running after standing down", still);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        events.standDown();
        reconciler.reset();
    }

    /**
     * etcd's revision went backwards: every diff computed from here on the old history is void. Stops the workers
     * (the term stays) until {@link #resumeHeld}.
     */
    private synchronized void holdForRewind() {
        Term t = current;
        if (t != null) {
            log.warn("holding every reconcile until etcd's history is re-listed");
            standDown();
            held = t.term;
        }
    }

    /**
     * The caches are filled (at start) or hold etcd's new history (after a rewind): starts the term held meanwhile, if
     * still leading; every group is reconciled afresh, statuses read again.
     */
    private synchronized void resumeHeld(String why) {
        LeaderTerm t = held;
        if (t == null || !isSynced() || specs.isRewinding()) {
            return;
        }
        held = null;
        if (t.isActive() && current == null) {
            log.info("{}: reconciling every group", why);
            lead(t);
        }
    }

    /** Asks for a group to be reconciled now (no-op on a standby). */
    public void enqueue(String id) {
        Term t = current;
        if (t != null) {
            t.queue.add(id);
        }
    }

    /**
     * Reconciles every known group: catches instances that vanished without an event. A group waiting to be retried
     * after a failure is left to its backoff.
     */
    public void resync() {
        Term t = current;
        if (t == null) {
            return;
        }
        Set<String> all = new HashSet<>(specs.ids());
        all.forEach(t.queue::addIfIdle);
    }

    /** Full collections run to give the heap back after a burst of work. */
    public long heapCollections() {
        return heapTrimmer.collections();
    }

    public int queueDepth() {
        Term t = current;
        return t == null ? 0 : t.queue.depth();
    }

    /** The status this replica last wrote or read for the group (metrics). */
    public Optional<GroupStatus> lastStatus(String id) {
        return status.last(id);
    }

    /**
     * Null while the workers make progress (or this replica does not lead); otherwise why they do not: fewer of
     * them than configured, or one stuck in a reconcile with nothing finishing (the replica's {@code /healthz}).
     */
    public String workersProblem() {
        Term t = current;
        if (t == null) {
            return null;
        }
        int alive = (int) t.workers.stream().filter(Thread::isAlive).count();
        return progress.problem(alive, t.workers.size());
    }

    /**
     * After an Error the leader's memory may be unsound (a lock half taken, a cache half written): the replica gives
     * up its term and campaigns again, so another replica takes over, or this one starts its workers afresh. At most
     * once per {@link #ERROR_RESTARTS}: an Error that comes back every time only backs its group off.
     */
    private void restartAfterError(Term t, String reason) {
        long now = System.nanoTime();
        long last = lastErrorRestart;
        if (last != 0 && now - last < ERROR_RESTARTS.toNanos()) {
            return;
        }
        lastErrorRestart = now;
        scheduler.execute(() -> {
            if (t.term.relinquish(reason)) {
                log.warn("stepping down to start afresh: {}", reason);
                return; // the replica stands down, campaigns, and leads again with new workers
            }
            synchronized (this) {
                if (current == t && t.term.isActive()) {
                    log.warn("restarting the workers: {}", reason);
                    lead(t.term);
                }
            }
        });
    }

    @Override
    public synchronized void close() {
        standDown();
        heapTrimmer.close();
        watches.forEach(Store.Watch::close);
        watches.clear();
        subscriptions.close();
        events.close();
        scheduler.shutdownNow();
        pluginPool.shutdownNow();
    }

    private final class Term {
        final LeaderTerm term;
        final WorkQueue<String> queue = new WorkQueue<>(scheduler, config.retry().get(),
                new WorkQueue.Listener<>() {
                    @Override
                    public void added(String key) {
                        listener.queued(key);
                    }

                    @Override
                    public void taken(String key, long waitNanos) {
                        listener.dequeued(key, waitNanos);
                    }
                });
        final List<Thread> workers = new ArrayList<>();
        ScheduledFuture<?> resync;

        Term(LeaderTerm term) {
            this.term = term;
        }
    }

    private static ThreadFactory daemon(String prefix) {
        return new ThreadFactoryBuilder().setNameFormat(prefix + "-%d").setDaemon(true).build();
    }
}
