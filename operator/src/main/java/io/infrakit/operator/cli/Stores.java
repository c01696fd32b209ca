package io.infrakit.operator.cli;

import io.infrakit.store.Store;
import io.infrakit.store.StoreConfig;
import io.infrakit.store.etcd.GatewayFirstStore;
import io.infrakit.store.etcd.EtcdStore;

/** Opens the store the options name. */
final class Stores {

    private Stores() {
    }

    /**
     * For a command that ends in a moment, or waits on a watch: etcd's JSON gateway, which is ready in a few
     * milliseconds where jetcd's gRPC client takes hundreds (see docs/benchmarks.md, "CLI start time"); gRPC where
     * etcd does not serve this client through its gateway.
     */
    static Store open(EtcdOptions etcd) {
        return new GatewayFirstStore(config(etcd));
    }

    /** For the processes that run for long ({@code up}, {@code sync}): jetcd, its one connection pinged by gRPC. */
    static Store openLongRunning(EtcdOptions etcd) {
        return new EtcdStore(config(etcd));
    }

    /** The options' client settings; options that do not fit together are a usage error (exit code 2). */
    static StoreConfig config(EtcdOptions etcd) {
        try {
            return etcd.storeConfig();
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage(), e);
        }
    }
}
