package io.infrakit.operator.cli;

import io.infrakit.operator.Keys;
import io.infrakit.store.Store;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** A {@code group} subcommand that acts on one group by ID. */
abstract class GroupIdCommand implements Callable<Integer> {

    @Mixin
    EtcdOptions etcd;

    @Parameters(paramLabel = "ID")
    String id;

    /** Runs the action if the group's spec exists; otherwise says so in InfraKit's words and fails. */
    int onExistingGroup(BiConsumer<Store, Keys> action) {
        Keys keys = etcd.keys();
        try (Store store = Stores.open(etcd)) {
            if (store.get(keys.group(id)).isEmpty()) {
                System.err.println("Group '" + id + "' is not being watched");
                return 1;
            }
            action.accept(store, keys);
        }
        return 0;
    }
}
