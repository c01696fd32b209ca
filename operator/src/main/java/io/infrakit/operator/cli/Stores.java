package io.infrakit.operator.cli;

import io.infrakit.store.Store;
import io.infrakit.store.StoreConfig;
import io.infrakit.store.etcd.EtcdStore;

/** Opens the store the options name. */
final class Stores {

    private Stores() {
    }

    static Store open(EtcdOptions etcd) {
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
