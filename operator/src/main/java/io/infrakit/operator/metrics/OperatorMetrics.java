package io.infrakit.operator.metrics;

import io.infrakit.operator.controller.Controller;
import io.infrakit.operator.controller.SpecCache;
import io.infrakit.operator.election.Replica;
import io.infrakit.plugins.PluginLookup;
import io.infrakit.store.Store;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * Every metric of one operator process, in one Prometheus registry. Wire it in this order: {@link #store} and
 * {@link #plugins} wrap what the controller uses, {@link #reconciles} is the controller's listener, then
 * {@link #bind(Controller)} and {@link #bind(Replica)} once those exist.
 */
public final class OperatorMetrics implements AutoCloseable {

    /** The controller and work-queue name in controller-runtime's labels. */
    public static final String CONTROLLER = "group";
    /** The election name in {@code leader_election_master_status}. */
    public static final String ELECTION = "infrakit";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final ReconcileMetrics reconciles;
    private final LeaderMetrics leader;

    public OperatorMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        gc.bindTo(registry);
        reconciles = new ReconcileMetrics(registry);
        leader = new LeaderMetrics(registry, reconciles::clearGroups);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** The store, with each request timed by operation. */
    public Store store(Store store) {
        return new MeteredStore(store, registry);
    }

    /** The lookup, returning plugins whose calls are timed by plugin and method. */
    public PluginLookup plugins(PluginLookup plugins) {
        return new MeteredPlugins(plugins, new PluginCallMeters(registry));
    }

    /** The listener to give the controller: reconcile and work-queue metrics. */
    public Controller.ReconcileListener reconciles() {
        return reconciles;
    }

    /** Queue depth and per-group instance counts come from the controller. */
    public void bind(Controller controller) {
        reconciles.bind(controller);
        FunctionCounter.builder("infrakit_etcd_revision_rewinds", controller.specs(), SpecCache::rewinds)
                .description("Times etcd's revision went backwards (restored from an older snapshot): caches dropped, "
                        + "everything re-listed").register(registry);
        FunctionCounter.builder("infrakit_heap_collections", controller, Controller::heapCollections)
                .description("Full collections run once the controller went quiet after a burst of work, to give the "
                        + "heap back").register(registry);
    }

    /** Leader status and transitions (takes the replica's transition callback). */
    public void bind(Replica replica) {
        leader.bind(replica);
    }

    /** Prometheus text exposition format. */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
