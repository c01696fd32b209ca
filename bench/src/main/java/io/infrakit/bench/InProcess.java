package io.infrakit.bench;

import io.infrakit.operator.Keys;
import io.infrakit.operator.controller.Controller;
import io.infrakit.operator.controller.ControllerConfig;
import io.infrakit.operator.election.LeaderTerm;
import io.infrakit.plugins.PluginRegistry;
import io.infrakit.plugins.memory.InMemoryInstancePlugin;
import io.infrakit.plugins.spi.InstancePlugin;
import io.infrakit.store.StoreConfig;
import io.infrakit.store.etcd.EtcdServer;
import io.infrakit.store.etcd.EtcdStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * One etcd child process and one controller in this JVM, leading a standalone term, with the in-memory instance
 * plugin (named {@code memory}) for the controller's own cost and the file plugin for a real driver.
 */
final class InProcess implements AutoCloseable {

    static final String PREFIX = "/bench";

    final Path dir;
    final EtcdServer etcd;
    final CountingStore store;
    final InMemoryInstancePlugin memory = new InMemoryInstancePlugin();
    final TimedInstancePlugin timed;
    final PluginRegistry plugins;
    final Keys keys = new Keys(PREFIX);
    final Controller controller;

    InProcess(ControllerConfig config, Controller.ReconcileListener listener, InstancePlugin driver) throws Exception {
        dir = Files.createTempDirectory("infrakit-bench");
        etcd = EtcdServer.builder("bench", dir.resolve("etcd")).fastTimings(true).build();
        etcd.start();
        store = new CountingStore(new EtcdStore(StoreConfig.of(etcd.clientUrl())));
        timed = new TimedInstancePlugin(driver == null ? memory : driver);
        plugins = PluginRegistry.builtins(dir.resolve("files")).registerInstance("memory", timed);
        controller = new Controller(store, keys, plugins, config, java.time.Clock.systemUTC(), listener);
        controller.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!controller.isSynced() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        controller.lead(LeaderTerm.standalone());
    }

    static String spec(String id, long size, String plugin) {
        return "{\"ID\":\"" + id + "\",\"Properties\":{\"Allocation\":{\"Size\":" + size + "},"
                + "\"Instance\":{\"Plugin\":\"" + plugin + "\",\"Properties\":{}},"
                + "\"Flavor\":{\"Plugin\":\"vanilla\",\"Properties\":{\"Init\":[\"echo hi\"]}}}}";
    }

    @Override
    public void close() throws java.io.IOException {
        controller.close();
        store.close();
        etcd.close();
        TempDirs.deleteTree(dir);
    }
}
