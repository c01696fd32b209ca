package io.infrakit.operator.cli;

import io.infrakit.store.Store;
import io.infrakit.store.etcd.EtcdStore;

/** Opens the store the options name. */
final class Stores {

    private Stores() {
    }

    static Store open(EtcdOptions etcd) {
        return new EtcdStore(etcd.storeConfig());
    }
}
