package io.infrakit.operator.metrics;

import static org.awaitility.Awaitility.await;

import io.infrakit.operator.Keys;
import io.infrakit.operator.controller.Controller;
import io.infrakit.operator.controller.ControllerConfig;
import io.infrakit.operator.election.Replica;
import io.infrakit.operator.election.ReplicaIdentity;
import io.infrakit.operator.http.HttpAddress;
import io.infrakit.operator.http.OperatorEndpoint;
import io.infrakit.plugins.PluginLookup;
import io.infrakit.store.Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

/** One replica wired as {@code infrakit up} wires it: metered store and plugins, election, HTTP on a free port. */
public final class MeteredOperator implements AutoCloseable {

    public final OperatorMetrics metrics = new OperatorMetrics();
    public final Keys keys;
    public final Store store;
    public final Controller controller;
    public final Replica replica;
    private final AtomicBoolean campaigning = new AtomicBoolean();
    private final OperatorEndpoint endpoint;

    public MeteredOperator(Store rawStore, Keys keys, PluginLookup plugins, String id) {
        this(rawStore, keys, plugins, id, ControllerConfig.defaults().withResync(Duration.ofSeconds(1)));
    }

    public MeteredOperator(Store rawStore, Keys keys, PluginLookup plugins, String id, ControllerConfig config) {
        this.keys = keys;
        this.store = metrics.store(rawStore);
        this.controller = new Controller(store, keys, metrics.plugins(plugins), config, Clock.systemUTC(),
                metrics.reconciles());
        metrics.bind(controller);
        this.replica = new Replica(store, keys.leader(), controller,
                ReplicaIdentity.of(id, null, "test", Instant.now().toString()), Duration.ofSeconds(2),
                Duration.ofMillis(500));
        metrics.bind(replica);
        try {
            endpoint = OperatorEndpoint.start(HttpAddress.parse("127.0.0.1:0"), metrics, store, keys, controller,
                    campaigning::get);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts watching and campaigning; returns once the spec cache is filled. */
    public MeteredOperator start() {
        controller.start();
        await("spec cache synced").atMost(Duration.ofSeconds(10)).until(controller::isSynced);
        replica.start();
        campaigning.set(true);
        return this;
    }

    public String url(String path) {
        return "http://" + endpoint.address() + path;
    }

    public PrometheusText scrape() {
        Http.Answer a = Http.get(url("/metrics"));
        if (a.status() != 200) {
            throw new AssertionError("/metrics answered " + a.status() + ": " + a.body());
        }
        return new PrometheusText(a.body());
    }

    @Override
    public void close() {
        campaigning.set(false);
        replica.close();
        controller.close();
        endpoint.close();
        metrics.close();
    }
}
