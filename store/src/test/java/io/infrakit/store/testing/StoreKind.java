package io.infrakit.store.testing;

import io.infrakit.store.StoreConfig;
import io.infrakit.store.etcd.EtcdApi;
import io.infrakit.store.etcd.EtcdHttpStore;
import io.infrakit.store.etcd.EtcdStore;

/** The two clients of the store's contract: jetcd over gRPC, and etcd's JSON gateway over HTTP. */
public enum StoreKind {
    JETCD {
        @Override
        public EtcdApi open(StoreConfig config) {
            return new EtcdStore(config);
        }
    },
    HTTP {
        @Override
        public EtcdApi open(StoreConfig config) {
            return new EtcdHttpStore(config);
        }
    };

    public abstract EtcdApi open(StoreConfig config);
}
