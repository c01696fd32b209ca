package io.infrakit.operator.groupsocket;

import io.infrakit.operator.Keys;
import io.infrakit.operator.controller.Controller;
import io.infrakit.operator.controller.ControllerConfig;
import io.infrakit.operator.election.LeaderTerm;
import io.infrakit.operator.group.GroupRouting;
import io.infrakit.operator.group.GroupStatus;
import io.infrakit.plugins.PluginLookup;
import io.infrakit.store.Store;
import io.infrakit.store.testing.Await;
import io.infrakit.store.testing.EtcdCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** A leading controller in this JVM, on its own key prefix, with the plugins a test gives it. */
final class LocalOperator implements AutoCloseable {

    final Store store;
    final Keys keys;
    final PluginLookup plugins;
    private final Controller controller;

    LocalOperator(EtcdCluster etcd, String name, PluginLookup plugins, Duration resync) {
        this(etcd, name, plugins, resync, GroupRouting.DEFAULT);
    }

    /** @param routing the names of this operator's own group plugin; specs naming others are delegated */
    LocalOperator(EtcdCluster etcd, String name, PluginLookup plugins, Duration resync, GroupRouting routing) {
        this.store = etcd.newStore();
        this.keys = new Keys(EtcdCluster.uniquePrefix(name));
        this.plugins = plugins;
        this.controller = new Controller(store, keys, plugins, ControllerConfig.defaults().withResync(resync),
                java.time.Clock.systemUTC(), Controller.ReconcileListener.NONE, routing);
    }

    Controller controller() {
        return controller;
    }

    LocalOperator start() {
        controller.start();
        Await.until(Duration.ofSeconds(10), "spec cache synced", controller::isSynced);
        controller.lead(LeaderTerm.standalone());
        return this;
    }

    /** Writes the spec; returns its revision. */
    long put(String id, String json) {
        return store.put(keys.group(id), json);
    }

    Optional<GroupStatus> status(String id) {
        return store.get(keys.status(id)).flatMap(kv -> GroupStatus.fromJson(kv.value()));
    }

    /** Waits for a status that meets the condition; a timeout names the last status seen. */
    GroupStatus awaitStatus(String id, Duration timeout, String what, Predicate<GroupStatus> condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<GroupStatus> s = status(id);
            if (s.isPresent() && condition.test(s.get())) {
                return s.get();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + id + " "
                        + what + "; last status: " + s.map(GroupStatus::toJson).orElse("none"));
            }
            pause(20);
        }
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    GroupStatus awaitConverged(String id, long n, Duration timeout) {
        return awaitStatus(id, timeout, "converged at " + n,
                s -> s.converged() && s.observed() == n && s.desired() == n);
    }

    /** The instance files of the file plugin in {@code dir}. */
    static List<String> files(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("instance-")).sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String cattle(String id, int size, String instancePlugin, String flavorPlugin) {
        return "{\"ID\":\"" + id + "\",\"Properties\":{\"Allocation\":{\"Size\":" + size + "},"
                + "\"Instance\":{\"Plugin\":\"" + instancePlugin + "\",\"Properties\":{\"Note\":\"" + id + "\"}},"
                + "\"Flavor\":{\"Plugin\":\"" + flavorPlugin + "\",\"Properties\":{\"Init\":[\"echo hello\"],"
                + "\"Tags\":{\"tier\":\"web\"}}}}}";
    }

    @Override
    public void close() {
        controller.close();
        store.close();
    }
}
