package io.infrakit.operator.qemu;

import io.infrakit.operator.Keys;
import io.infrakit.operator.controller.Controller;
import io.infrakit.operator.controller.ControllerConfig;
import io.infrakit.operator.election.LeaderTerm;
import io.infrakit.operator.group.GroupStatus;
import io.infrakit.operator.testing.GroupStatuses;
import io.infrakit.plugins.PluginRegistry;
import io.infrakit.plugins.group.Tags;
import io.infrakit.plugins.qemu.QemuInstancePlugin;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.spi.PluginName;
import io.infrakit.plugins.testing.GuestImage;
import io.infrakit.store.Store;
import io.infrakit.store.testing.Await;
import io.infrakit.store.testing.EtcdCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * One operator (an in-process controller on a real etcd) with the built-ins and the qemu plugin on a test's
 * directory. Closing it stops the controller and kills every VM left in that directory, also when a test failed.
 */
final class QemuOperator implements AutoCloseable {

    final Keys keys;
    final Store store;
    final Path vmDir;
    private final PluginRegistry plugins;
    private final Controller controller;
    private final GroupStatuses statuses;

    QemuOperator(EtcdCluster etcd, String name, Path dir, ControllerConfig config) {
        this.keys = new Keys(EtcdCluster.uniquePrefix(name));
        this.store = etcd.newStore();
        this.statuses = new GroupStatuses(store, keys);
        this.vmDir = dir.resolve("vms");
        this.plugins = PluginRegistry.builtins(dir.resolve("files"), dir.resolve("processes")).withQemu(vmDir);
        this.controller = new Controller(store, keys, plugins, config);
        controller.start();
        Await.until(Duration.ofSeconds(10), "spec cache synced", controller::isSynced);
        controller.lead(LeaderTerm.standalone());
    }

    QemuInstancePlugin qemu() {
        return (QemuInstancePlugin) plugins.instance(PluginName.parse(PluginRegistry.QEMU_ALIAS));
    }

    void put(String id, String json) {
        store.put(keys.group(id), json);
    }

    void delete(String id) {
        store.delete(keys.group(id));
    }

    List<InstanceDescription> instances(String group) {
        return qemu().describeInstances(Map.of(Tags.GROUP, group), false);
    }

    Optional<GroupStatus> status(String id) {
        return statuses.status(id);
    }

    GroupStatus awaitStatus(String id, Duration timeout, Predicate<GroupStatus> condition, String what) {
        return statuses.await(id, timeout, condition, what);
    }

    @Override
    public void close() {
        try {
            controller.close();
            plugins.close();
        } finally {
            GuestImage.killAll(vmDir);
            store.close();
        }
    }
}
