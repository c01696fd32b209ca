package io.infrakit.operator.controller;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.operator.Keys;
import io.infrakit.operator.election.LeaderTerm;
import io.infrakit.operator.group.GroupState;
import io.infrakit.operator.group.GroupStatus;
import io.infrakit.operator.testing.MemoryStore;
import io.infrakit.operator.write.GroupWrites;
import io.infrakit.plugins.PluginLookup;
import io.infrakit.plugins.PluginRegistry;
import io.infrakit.plugins.group.Tags;
import io.infrakit.plugins.memory.InMemoryInstancePlugin;
import io.infrakit.plugins.spi.Allocation;
import io.infrakit.plugins.spi.Index;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.spi.InstancePlugin;
import io.infrakit.plugins.spi.InstanceSpec;
import io.infrakit.plugins.spi.PluginException;
import io.infrakit.plugins.spi.PluginName;
import io.infrakit.plugins.vanilla.VanillaFlavorPlugin;
import io.infrakit.store.KeyValue;
import io.infrakit.store.WatchEvent;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The reconciler's branches, one at a time, with its collaborators built on an in-memory store and in-memory
 * plugins (end to end against etcd: {@code ControllerIT}, {@code RollingUpdateIT}).
 */
class GroupReconcilerTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);
    private static final LeaderTerm TERM = LeaderTerm.standalone();

    private final MemoryStore store = new MemoryStore();
    private final Keys keys = new Keys("/test");
    private final FlakyInstances instances = new FlakyInstances();
    private final FlakyFlavor flavor = new FlakyFlavor();
    private final PluginRegistry registry = new PluginRegistry().registerInstance("mem", instances)
            .registerFlavor("vanilla", flavor);
    private volatile boolean instancePluginGone;
    /** The registry, but the instance plugin can go away (a remote plugin that stopped). */
    private final PluginLookup plugins = new PluginLookup() {
        @Override
        public InstancePlugin instance(PluginName name) {
            return registry.instance(instancePluginGone ? PluginName.parse("gone-" + name) : name);
        }

        @Override
        public io.infrakit.plugins.spi.FlavorPlugin flavor(PluginName name) {
            return registry.flavor(name);
        }
    };
    private final SpecCache specs = new SpecCache(keys, id -> { });
    private final StatusWriter statuses = new StatusWriter(store, keys);
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final GroupReconciler reconciler = new GroupReconciler(specs, plugins, statuses,
            new PlanExecutor(plugins, pool, 4),
            new RollingUpdates(new GroupWrites(store, keys, plugins, CLOCK), plugins, CLOCK), CLOCK);
    private long revision = 10;

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    private void put(String id, String json) {
        revision++;
        specs.specListener().onEvent(new WatchEvent(WatchEvent.Type.PUT,
                new KeyValue(keys.group(id), json, revision, revision, 1)));
    }

    private void delete(String id) {
        revision++;
        specs.specListener().onEvent(new WatchEvent(WatchEvent.Type.DELETE,
                new KeyValue(keys.group(id), "", 0, revision, 0)));
    }

    private static String spec(String id, int size) {
        return "{\"ID\":\"" + id + "\",\"Properties\":{\"Allocation\":{\"Size\":" + size + "},"
                + "\"Instance\":{\"Plugin\":\"mem\",\"Properties\":{}},"
                + "\"Flavor\":{\"Plugin\":\"vanilla\",\"Properties\":{\"Init\":[\"echo hi\"]}}}}";
    }

    private GroupStatus status(String id) {
        return store.get(keys.status(id)).flatMap(kv -> GroupStatus.fromJson(kv.value())).orElseThrow();
    }

    private int count(String group) {
        return instances.delegate.describeInstances(Map.of(Tags.GROUP, group), false).size();
    }

    @Test
    void createsWhatIsMissingThenReportsConvergedAndWritesNothingWhileNothingChanges() {
        put("web", spec("web", 3));
        assertThat(reconciler.reconcile("web", TERM)).isEqualTo(GroupReconciler.Outcome.REQUEUE);
        assertThat(count("web")).isEqualTo(3);
        assertThat(reconciler.reconcile("web", TERM)).isEqualTo(GroupReconciler.Outcome.DONE);
        GroupStatus s = status("web");
        assertThat(s.state()).isEqualTo(GroupState.CONVERGED);
        assertThat(s.converged()).isTrue();
        assertThat(s.specRevision()).isEqualTo(revision);
        int writes = store.commits();
        for (int i = 0; i < 3; i++) {
            assertThat(reconciler.reconcile("web", TERM)).isEqualTo(GroupReconciler.Outcome.DONE);
        }
        assertThat(store.commits()).as("no etcd write while nothing changes").isEqualTo(writes);
    }

    @Test
    void aFailedProvisionIsReportedAsProvisionWithThePluginsErrorAndRetried() {
        instances.failProvision = "quota exceeded";
        put("web", spec("web", 2));
        assertThat(reconciler.reconcile("web", TERM)).isEqualTo(GroupReconciler.Outcome.RETRY);
        GroupStatus s = status("web");
        assertThat(s.state()).isEqualTo(GroupState.ERROR);
        assertThat(s.error().message()).isEqualTo("Provision failed: quota exceeded");
        assertThat(s.error().since()).isEqualTo(CLOCK.instant().toString());
    }

    @Test
    void aFailedPrepareAndAFailedListingSayWhichCallFailed() {
        flavor.failPrepare = "no such template";
        put("web", spec("web", 1));
        assertThat(reconciler.reconcile("web", TERM)).isEqualTo(GroupReconciler.Outcome.RETRY);
        assertThat(status("web").error().message()).isEqualTo("Prepare failed: no such template");

        flavor.failPrepare = null;
        instances.failDescribe = "connection refused";
        assertThat(reconciler.reconcile("web", TERM)).isEqualTo(GroupReconciler.Outcome.RETRY);
        assertThat(status("web").error().message()).isEqualTo("DescribeInstances failed: connection refused");
        assertThat(count("web")).isZero();
    }

    @Test
    void aFailedDestroyNamesTheInstance() {
        put("web", spec("web", 2));
        reconciler.reconcile("web", TERM);
        instances.failDestroy = "busy";
        put("web", spec("web", 1));
        assertThat(reconciler.reconcile("web", TERM)).isEqualTo(GroupReconciler.Outcome.RETRY);
        assertThat(status("web").error().message()).matches("Destroy \\S+ failed: busy");
        assertThat(status("web").observed()).isEqualTo(2);
    }

    @Test
    void anInvalidSpecIsAnErrorAndItsInstancesAreLeftAlone() {
        put("web", spec("web", 2));
        reconciler.reconcile("web", TERM);
        put("web", "{\"ID\":\"web\",\"Properties\":{\"Allocation\":{\"Size\":-1}}}");
        assertThat(reconciler.reconcile("web", TERM)).isEqualTo(GroupReconciler.Outcome.DONE);
        GroupStatus s = status("web");
        assertThat(s.state()).isEqualTo(GroupState.ERROR);
        assertThat(s.error().message()).contains("must not be negative");
        assertThat(s.specRevision()).isEqualTo(revision);
        assertThat(count("web")).isEqualTo(2);
    }

    @Test
    void aDeletedGroupWhosePluginIsMissingReportsTheErrorAndIsRetried() {
        put("web", spec("web", 2));
        reconciler.reconcile("web", TERM);
        instancePluginGone = true;
        delete("web");
        assertThat(reconciler.reconcile("web", TERM)).isEqualTo(GroupReconciler.Outcome.RETRY);
        GroupStatus s = status("web");
        assertThat(s.state()).isEqualTo(GroupState.DELETING);
        assertThat(s.observed()).as("unknown").isNull();
        assertThat(s.desired()).isZero();
        assertThat(s.instancePlugin()).as("kept, to clean up once it is back").isEqualTo("mem");
        assertThat(s.error().message()).startsWith("DescribeInstances failed: ").contains("gone-mem");
        assertThat(count("web")).as("nothing destroyed blindly").isEqualTo(2);
    }

    @Test
    void aDeletedGroupIsDestroyedThenItsStatusGoes() {
        put("web", spec("web", 2));
        reconciler.reconcile("web", TERM);
        delete("web");
        assertThat(reconciler.reconcile("web", TERM)).isEqualTo(GroupReconciler.Outcome.REQUEUE);
        assertThat(count("web")).isZero();
        assertThat(reconciler.reconcile("web", TERM)).isEqualTo(GroupReconciler.Outcome.DONE);
        assertThat(store.get(keys.status("web"))).isEmpty();
        assertThat(specs.get("web")).isNull();
    }

    @Test
    void aFreedGroupIsReportedFreeAndNotTouched() {
        put("web", spec("web", 2));
        reconciler.reconcile("web", TERM);
        specs.freeListener().onEvent(new WatchEvent(WatchEvent.Type.PUT,
                new KeyValue(keys.free("web"), "{}", revision, revision, 1)));
        put("web", spec("web", 5));
        assertThat(reconciler.reconcile("web", TERM)).isEqualTo(GroupReconciler.Outcome.DONE);
        assertThat(status("web").state()).isEqualTo(GroupState.FREE);
        assertThat(count("web")).isEqualTo(2);
    }

    /** In-memory instances whose calls fail on demand. */
    static final class FlakyInstances implements InstancePlugin {
        private final InMemoryInstancePlugin delegate = new InMemoryInstancePlugin();
        volatile String failProvision;
        volatile String failDescribe;
        volatile String failDestroy;

        @Override
        public void validate(JsonNode properties) {
            delegate.validate(properties);
        }

        @Override
        public String provision(InstanceSpec spec) {
            fail(failProvision);
            return delegate.provision(spec);
        }

        @Override
        public void label(String instanceId, Map<String, String> labels) {
            delegate.label(instanceId, labels);
        }

        @Override
        public void destroy(String instanceId, String reason) {
            fail(failDestroy);
            delegate.destroy(instanceId, reason);
        }

        @Override
        public List<InstanceDescription> describeInstances(Map<String, String> tags, boolean properties) {
            fail(failDescribe);
            return delegate.describeInstances(tags, properties);
        }
    }

    /** The vanilla flavor, whose Prepare fails on demand. */
    static final class FlakyFlavor implements io.infrakit.plugins.spi.FlavorPlugin {
        private final VanillaFlavorPlugin delegate = new VanillaFlavorPlugin();
        volatile String failPrepare;

        @Override
        public void validate(JsonNode properties, Allocation allocation) {
            delegate.validate(properties, allocation);
        }

        @Override
        public InstanceSpec prepare(JsonNode properties, InstanceSpec spec, Allocation allocation, Index index) {
            fail(failPrepare);
            return delegate.prepare(properties, spec, allocation, index);
        }

        @Override
        public io.infrakit.plugins.spi.Health healthy(JsonNode properties, InstanceDescription instance) {
            return delegate.healthy(properties, instance);
        }

        @Override
        public void drain(JsonNode properties, InstanceDescription instance) {
            delegate.drain(properties, instance);
        }
    }

    private static void fail(String message) {
        if (message != null) {
            throw new PluginException(message);
        }
    }
}
