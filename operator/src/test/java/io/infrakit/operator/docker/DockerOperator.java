package io.infrakit.operator.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import io.infrakit.operator.Keys;
import io.infrakit.operator.controller.Controller;
import io.infrakit.operator.controller.ControllerConfig;
import io.infrakit.operator.election.LeaderTerm;
import io.infrakit.operator.group.GroupStatus;
import io.infrakit.operator.testing.GroupStatuses;
import io.infrakit.plugins.PluginRegistry;
import io.infrakit.plugins.group.Tags;
import io.infrakit.plugins.testing.DockerEngine;
import io.infrakit.store.Store;
import io.infrakit.store.testing.Await;
import io.infrakit.store.testing.EtcdCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * One operator (an in-process controller on a real etcd) with the built-ins, the docker plugin on the test engine.
 * Closing it stops the controller and removes every container of the groups the test wrote.
 */
final class DockerOperator implements AutoCloseable {

    final Keys keys;
    final Store store;
    final DockerClient docker = DockerEngine.client();
    private final Set<String> groups = new LinkedHashSet<>();
    private final PluginRegistry plugins;
    private final Controller controller;
    private final GroupStatuses statuses;

    DockerOperator(EtcdCluster etcd, String name, Path dir, ControllerConfig config) {
        this.keys = new Keys(EtcdCluster.uniquePrefix(name));
        this.store = etcd.newStore();
        this.statuses = new GroupStatuses(store, keys);
        this.plugins = PluginRegistry.builtins(dir.resolve("files"), dir.resolve("processes"), DockerEngine.host());
        this.controller = new Controller(store, keys, plugins, config);
        controller.start();
        Await.until(Duration.ofSeconds(10), "spec cache synced", controller::isSynced);
        controller.lead(LeaderTerm.standalone());
    }

    void put(String id, String json) {
        groups.add(id);
        store.put(keys.group(id), json);
    }

    /** The group's live containers, straight from the engine. */
    List<Container> containers(String group) {
        return docker.listContainersCmd().withLabelFilter(Map.of(Tags.GROUP, group)).exec();
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
            plugins.close();
        } finally {
            for (String group : groups) {
                for (Container c : docker.listContainersCmd().withShowAll(true)
                        .withLabelFilter(Map.of(Tags.GROUP, group)).exec()) {
                    docker.removeContainerCmd(c.getId()).withForce(true).withRemoveVolumes(true).exec();
                }
            }
            store.close();
        }
    }
}
