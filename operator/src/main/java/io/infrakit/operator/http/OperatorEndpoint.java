package io.infrakit.operator.http;

import io.infrakit.operator.Keys;
import io.infrakit.operator.controller.Controller;
import io.infrakit.operator.metrics.OperatorMetrics;
import io.infrakit.store.Store;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The HTTP endpoint of one {@code infrakit up} replica: its metrics, {@code /healthz} (the process answers, etcd
 * answers a get within {@link #ETCD_DEADLINE}, and the leader's workers make progress) and {@code /readyz} (the spec watch has its first listing, and
 * the replica campaigns: it leads or is a warm standby).
 */
public final class OperatorEndpoint implements AutoCloseable {

    /** A health probe waits this long for etcd: well under a probe's usual timeout (1 s in Kubernetes). */
    public static final Duration ETCD_DEADLINE = Duration.ofMillis(800);

    private final OperatorHttpServer server;
    private final EtcdProbe probe;

    private OperatorEndpoint(OperatorHttpServer server, EtcdProbe probe) {
        this.server = server;
        this.probe = probe;
    }

    /**
     * @param campaigning whether the replica takes part in the election, as leader or warm standby (false while
     *                    starting and shutting down)
     */
    public static OperatorEndpoint start(HttpAddress address, OperatorMetrics metrics, Store store, Keys keys,
                                         Controller controller, BooleanSupplier campaigning)
            throws IOException {
        return start(address, metrics, store, keys, controller, campaigning, b -> { });
    }

    /**
     * @param more what else to serve on the same address, or which threads to share (see
     *             {@link OperatorHttpServer.Builder#mount} and {@link OperatorHttpServer.Builder#threads})
     */
    public static OperatorEndpoint start(HttpAddress address, OperatorMetrics metrics, Store store, Keys keys,
                                         Controller controller, BooleanSupplier campaigning,
                                         Consumer<OperatorHttpServer.Builder> more) throws IOException {
        EtcdProbe probe = new EtcdProbe(store, keys.prefix() + "/healthz", ETCD_DEADLINE);
        List<Check> health = List.of(
                new Check("ping", () -> null),
                new Check("etcd", probe::check),
                new Check("workers", controller::workersProblem));
        List<Check> ready = List.of(
                Check.when("spec-watch", controller::isSynced, "the spec watch has not listed the groups yet"),
                new Check("election", () -> !campaigning.getAsBoolean() ? "not campaigning (starting or stopping)"
                        : null));
        try {
            OperatorHttpServer.Builder b = OperatorHttpServer.builder(address)
                    .page("/metrics", OperatorHttpServer.PROMETHEUS_TEXT, metrics::scrape)
                    .checks("/healthz", "healthz", health).checks("/readyz", "readyz", ready);
            more.accept(b);
            return new OperatorEndpoint(b.start(), probe);
        } catch (IOException | RuntimeException e) {
            probe.close();
            throw e;
        }
    }

    public HttpAddress address() {
        return server.address();
    }

    @Override
    public void close() {
        server.close();
        probe.close();
    }
}
