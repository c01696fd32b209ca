package io.infrakit.operator.tools;

import io.infrakit.operator.Keys;
import io.infrakit.operator.controller.Controller;
import io.infrakit.operator.controller.ControllerConfig;
import io.infrakit.operator.election.LeaderTerm;
import io.infrakit.operator.group.GroupStatus;
import io.infrakit.operator.testing.GroupStatuses;
import io.infrakit.plugins.PluginRegistry;
import io.infrakit.plugins.group.Tags;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.spi.InstancePlugin;
import io.infrakit.store.Store;
import io.infrakit.store.testing.Await;
import io.infrakit.store.testing.EtcdCluster;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * One operator (an in-process controller leading on a real etcd) whose instance plugin drives a command-line tool.
 * Closing it stops the controller and then the plugins; what the tool made is the test's to remove.
 */
final class ToolOperator implements AutoCloseable {

    final Keys keys;
    final Store store;
    final InstancePlugin plugin;
    private final PluginRegistry plugins;
    private final Controller controller;
    private final GroupStatuses statuses;

    ToolOperator(EtcdCluster etcd, String name, String pluginName, InstancePlugin plugin, ControllerConfig config) {
        this.keys = new Keys(EtcdCluster.uniquePrefix(name));
        this.store = etcd.newStore();
        this.statuses = new GroupStatuses(store, keys);
        this.plugin = plugin;
        this.plugins = new PluginRegistry().registerInstance(pluginName, plugin)
                .registerFlavor(PluginRegistry.VANILLA_ALIAS, new io.infrakit.plugins.vanilla.VanillaFlavorPlugin());
        this.controller = new Controller(store, keys, plugins, config);
        controller.start();
        Await.until(Duration.ofSeconds(10), "spec cache synced", controller::isSynced);
        controller.lead(LeaderTerm.standalone());
    }

    void put(String id, String json) {
        store.put(keys.group(id), json);
    }

    void delete(String id) {
        store.delete(keys.group(id));
    }

    List<InstanceDescription> instances(String group) {
        return plugin.describeInstances(Map.of(Tags.GROUP, group), false);
    }

    Optional<GroupStatus> status(String id) {
        return statuses.status(id);
    }

    GroupStatus awaitStatus(String id, Duration timeout, Predicate<GroupStatus> condition, String what) {
        return statuses.await(id, timeout, condition, what);
    }

    GroupStatus awaitConverged(String id, Duration timeout, long n) {
        return statuses.awaitConverged(id, timeout, n);
    }

    @Override
    public void close() {
        try {
            controller.close();
        } finally {
            plugins.close();
            store.close();
        }
    }
}
