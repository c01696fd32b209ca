package io.infrakit.operator.controller;

import static org.awaitility.Awaitility.await;

import io.infrakit.operator.Keys;
import io.infrakit.operator.election.LeaderTerm;
import io.infrakit.operator.group.GroupStatus;
import io.infrakit.plugins.PluginRegistry;
import io.infrakit.plugins.file.FileInstancePlugin;
import io.infrakit.plugins.group.Tags;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.store.Store;
import io.infrakit.store.testing.EtcdCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** One operator replica (controller + file plugin in a temp dir) on a test's own key prefix. */
final class OperatorFixture implements AutoCloseable {

    final Keys keys;
    final Store store;
    final Path fileDir;
    final FileInstancePlugin files;
    final PluginRegistry plugins;
    private final ControllerConfig config;
    Controller controller;

    OperatorFixture(EtcdCluster etcd, String name, Path fileDir, Duration resync) {
        this(etcd.newStore(), name, fileDir, resync);
    }

    OperatorFixture(Store store, String name, Path fileDir, Duration resync) {
        this(store, name, fileDir, ControllerConfig.defaults().withResync(resync));
    }

    OperatorFixture(Store store, String name, Path fileDir, ControllerConfig config) {
        this.keys = new Keys(EtcdCluster.uniquePrefix(name));
        this.store = store;
        this.fileDir = fileDir;
        this.plugins = PluginRegistry.builtins(fileDir);
        this.files = new FileInstancePlugin(fileDir);
        this.config = config;
    }

    OperatorFixture start() {
        controller = new Controller(store, keys, plugins, config);
        controller.start();
        await("spec cache synced").atMost(Duration.ofSeconds(10)).until(controller::isSynced);
        controller.lead(LeaderTerm.standalone());
        return this;
    }

    /** Elected before the caches are filled, as a replica that campaigns while it starts. */
    OperatorFixture startElectedFirst() {
        controller = new Controller(store, keys, plugins, config);
        controller.lead(LeaderTerm.standalone());
        return this;
    }

    void restart() {
        controller.close();
        start();
    }

    void put(String id, String json) {
        store.put(keys.group(id), json);
    }

    List<InstanceDescription> instances(String group) {
        return files.describeInstances(Map.of(Tags.GROUP, group), false);
    }

    Optional<GroupStatus> status(String id) {
        return store.get(keys.status(id)).flatMap(kv -> GroupStatus.fromJson(kv.value()));
    }

    void awaitInstances(String group, int n) {
        await(group + " has " + n + " instances").atMost(Duration.ofSeconds(15))
                .until(() -> instances(group).size() == n);
    }

    GroupStatus awaitStatus(String id, java.util.function.Predicate<GroupStatus> condition, String what) {
        return await(what).atMost(Duration.ofSeconds(15))
                .until(() -> status(id).filter(condition).orElse(null), Objects::nonNull);
    }

    GroupStatus awaitConverged(String id, long n) {
        return awaitStatus(id, s -> s.converged() && Long.valueOf(n).equals(s.observed()) && s.desired() == n,
                id + " converged at " + n);
    }

    @Override
    public void close() {
        if (controller != null) {
            controller.close();
        }
    }

    static String cattle(String id, int size, String note) {
        return "{\"ID\":\"" + id + "\",\"Properties\":{\"Allocation\":{\"Size\":" + size + "},"
                + "\"Instance\":{\"Plugin\":\"instance-file\",\"Properties\":{\"Note\":\"" + note + "\"}},"
                + "\"Flavor\":{\"Plugin\":\"flavor-vanilla\",\"Properties\":{\"Init\":[\"echo hello\"],"
                + "\"Tags\":{\"tier\":\"web\"}}}}}";
    }

    static String pets(String id, String... logicalIds) {
        return "{\"ID\":\"" + id + "\",\"Properties\":{\"Allocation\":{\"LogicalIDs\":[\""
                + String.join("\",\"", logicalIds) + "\"]},"
                + "\"Instance\":{\"Plugin\":\"file\",\"Properties\":{}},"
                + "\"Flavor\":{\"Plugin\":\"vanilla\",\"Properties\":{\"Init\":[\"echo member\"]}}}}";
    }
}
