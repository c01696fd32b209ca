package io.infrakit.operator.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.operator.Keys;
import io.infrakit.operator.election.Replica;
import io.infrakit.operator.election.ReplicaIdentity;
import io.infrakit.plugins.PluginLookup;
import io.infrakit.plugins.PluginRegistry;
import io.infrakit.plugins.fence.StaleTermException;
import io.infrakit.plugins.fence.TermFence;
import io.infrakit.plugins.file.FileInstancePlugin;
import io.infrakit.plugins.group.Tags;
import io.infrakit.plugins.spi.FlavorPlugin;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.spi.InstancePlugin;
import io.infrakit.plugins.spi.InstanceSpec;
import io.infrakit.plugins.spi.PluginName;
import io.infrakit.store.Store;
import io.infrakit.store.election.Election;
import io.infrakit.store.testing.EtcdCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A deposed leader frozen between its term check and its plugin call (a SIGSTOP, a VM pause, a long GC at the worst
 * moment) must not act when it wakes up: the file plugin refuses its call because a newer leader's term has been
 * seen. Two replicas with their controllers on a real etcd, sharing one file plugin directory.
 */
class FencedPluginCallsIT {

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.single();

    @TempDir
    Path dir;

    @Test
    void aCallOfADeposedLeaderMadeAfterTheNewLeaderActedIsRefused() throws Exception {
        Keys keys = new Keys(EtcdCluster.uniquePrefix("fence"));
        Path files = dir.resolve("instances");
        Frozen frozen = new Frozen();
        try (Store storeA = ETCD.newStore(); Store storeB = ETCD.newStore()) {
            Controller a = new Controller(storeA, keys, frozen.around(PluginRegistry.builtins(files)),
                    ControllerConfig.defaults().withResync(Duration.ofSeconds(1)));
            Controller b = new Controller(storeB, keys, PluginRegistry.builtins(files),
                    ControllerConfig.defaults().withResync(Duration.ofSeconds(1)));
            Replica ra = replica(storeA, keys, a, "a");
            Replica rb = replica(storeB, keys, b, "b");
            try {
                a.start();
                await("a synced").atMost(Duration.ofSeconds(10)).until(a::isSynced);
                ra.start();
                await("a leads").atMost(Duration.ofSeconds(10)).until(ra::isLeader);
                b.start();
                await("b synced").atMost(Duration.ofSeconds(10)).until(b::isSynced);
                rb.start();

                // a's next Provision stops after its term check, before it reaches the plugin.
                frozen.arm();
                storeA.put(keys.group("web"), spec(2));
                InstanceSpec held = frozen.awaitHeld();
                long termA = frozen.term.get();

                // a is deposed (its key goes, as when its lease expires); b leads and makes the group whole.
                String keyA = Election.currentLeader(storeA, keys.leader()).orElseThrow().key();
                storeA.delete(keyA);
                await("b leads").atMost(Duration.ofSeconds(10)).until(rb::isLeader);
                FileInstancePlugin plugin = new FileInstancePlugin(files);
                await("b made 2 instances").atMost(Duration.ofSeconds(15)).until(() -> plugin.describeInstances(Map.of(Tags.GROUP, "web"), false).size() == 2);
                long termB = TermFence.inDirectory(files).newest();
                assertThat(termB).as("b's term is newer than a's").isGreaterThan(termA);

                // a wakes up and makes the call it had decided on.
                frozen.release();
                Throwable outcome = frozen.awaitOutcome();
                assertThat(outcome).isInstanceOf(StaleTermException.class)
                        .hasMessageContaining("leader term " + termA + " is older than term " + termB);
                Thread.sleep(1500); // a resync of b's
                List<InstanceDescription> now = plugin.describeInstances(Map.of(Tags.GROUP, "web"), false);
                assertThat(now).as("no third instance from the deposed leader (spec %s)", held.tags()).hasSize(2);
                assertThat(Files.readString(files.resolve(TermFence.FILE_NAME)).strip())
                        .isEqualTo(Long.toString(termB));
            } finally {
                frozen.release();
                rb.close();
                ra.close();
                b.close();
                a.close();
            }
        }
    }

    private static Replica replica(Store store, Keys keys, Controller c, String id) {
        return new Replica(store, keys.leader(), c, ReplicaIdentity.of(id, null, "test", Instant.now().toString()),
                Duration.ofSeconds(2), Duration.ofMillis(500));
    }

    private static String spec(int size) {
        return "{\"ID\":\"web\",\"Properties\":{\"Allocation\":{\"Size\":" + size + "},"
                + "\"Instance\":{\"Plugin\":\"file\",\"Properties\":{}},"
                + "\"Flavor\":{\"Plugin\":\"vanilla\",\"Properties\":{\"Init\":[\"echo hi\"]}}}}";
    }

    /** Plugins whose first Provision, once armed, stops between the caller's term check and the plugin itself. */
    private static final class Frozen {
        final AtomicReference<Long> term = new AtomicReference<>();
        private final CountDownLatch held = new CountDownLatch(1);
        private final CountDownLatch released = new CountDownLatch(1);
        private final AtomicReference<Throwable> outcome = new AtomicReference<>();
        private final CountDownLatch done = new CountDownLatch(1);
        private final AtomicReference<InstanceSpec> spec = new AtomicReference<>();
        private volatile boolean armed;

        void arm() {
            armed = true;
        }

        void release() {
            released.countDown();
        }

        InstanceSpec awaitHeld() throws InterruptedException {
            assertThat(held.await(15, java.util.concurrent.TimeUnit.SECONDS)).as("a Provision reached").isTrue();
            return spec.get();
        }

        Throwable awaitOutcome() throws InterruptedException {
            assertThat(done.await(15, java.util.concurrent.TimeUnit.SECONDS)).as("the frozen call ended").isTrue();
            return outcome.get();
        }

        PluginLookup around(PluginLookup plugins) {
            return new PluginLookup() {
                @Override
                public InstancePlugin instance(PluginName name) {
                    return new Gate(plugins.instance(name), 0);
                }

                @Override
                public FlavorPlugin flavor(PluginName name) {
                    return plugins.flavor(name);
                }
            };
        }

        private final class Gate implements InstancePlugin {
            private final InstancePlugin plugin;
            private final long callerTerm;

            Gate(InstancePlugin plugin, long callerTerm) {
                this.plugin = plugin;
                this.callerTerm = callerTerm;
            }

            @Override
            public void validate(JsonNode properties) {
                plugin.validate(properties);
            }

            @Override
            public String provision(InstanceSpec s) {
                if (!armed || !term.compareAndSet(null, callerTerm)) {
                    return plugin.provision(s);
                }
                spec.set(s);
                held.countDown();
                // Frozen: as a stopped process, deaf to the interrupt its replica sends when it stands down.
                boolean interrupted = false;
                while (released.getCount() > 0) {
                    try {
                        released.await();
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
                try {
                    String id = plugin.provision(s);
                    done.countDown();
                    return id;
                } catch (RuntimeException e) {
                    outcome.set(e);
                    done.countDown();
                    throw e;
                } finally {
                    if (interrupted) {
                        Thread.currentThread().interrupt();
                    }
                }
            }

            @Override
            public void label(String instanceId, Map<String, String> labels) {
                plugin.label(instanceId, labels);
            }

            @Override
            public void destroy(String instanceId, String reason) {
                plugin.destroy(instanceId, reason);
            }

            @Override
            public List<InstanceDescription> describeInstances(Map<String, String> tags, boolean properties) {
                return plugin.describeInstances(tags, properties);
            }

            @Override
            public InstancePlugin fenced(long t) {
                return new Gate(plugin.fenced(t), t);
            }
        }
    }
}
