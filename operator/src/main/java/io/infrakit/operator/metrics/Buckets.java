package io.infrakit.operator.metrics;

import java.time.Duration;

/** Histogram bucket bounds: explicit and few, so each histogram stays at a dozen series. */
final class Buckets {

    /** Reconciles and queue waits: milliseconds to a minute, as controller-runtime's. */
    static final Duration[] RECONCILE = seconds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60);

    /** etcd requests: a healthy etcd answers in milliseconds; the request deadline is seconds. */
    static final Duration[] ETCD = seconds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5);

    /** Plugin calls: from a local file to a cloud API creating a machine. */
    static final Duration[] PLUGIN = seconds(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300);

    private Buckets() {
    }

    private static Duration[] seconds(double... bounds) {
        Duration[] d = new Duration[bounds.length];
        for (int i = 0; i < bounds.length; i++) {
            d[i] = Duration.ofNanos(Math.round(bounds[i] * 1e9));
        }
        return d;
    }
}
