package io.infrakit.operator.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infrakit.operator.Keys;
import io.infrakit.operator.controller.GroupReconciler.Outcome;
import io.infrakit.operator.election.LeaderTerm;
import io.infrakit.operator.election.LostLeadershipException;
import io.infrakit.operator.group.GroupRouting;
import io.infrakit.operator.group.GroupState;
import io.infrakit.operator.group.GroupStatus;
import io.infrakit.operator.policy.Admission;
import io.infrakit.operator.policy.AdmissionPolicy;
import io.infrakit.operator.policy.PolicyFile;
import io.infrakit.operator.testing.MemoryStore;
import io.infrakit.plugins.PluginLookup;
import io.infrakit.plugins.PluginNotFoundException;
import io.infrakit.plugins.access.BuiltinCatalog;
import io.infrakit.plugins.rpc.RpcException;
import io.infrakit.plugins.spi.FlavorPlugin;
import io.infrakit.plugins.spi.GroupDescription;
import io.infrakit.plugins.spi.GroupPlugin;
import io.infrakit.plugins.spi.GroupSpec;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.spi.InstancePlugin;
import io.infrakit.plugins.spi.PluginName;
import io.infrakit.store.KeyValue;
import io.infrakit.store.Txn;
import io.infrakit.store.WatchEvent;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The leader's side of delegated specs, one decision at a time, against group plugins that record their calls (end
 * to end against etcd, another operator and InfraKit's own group plugin: {@code DelegatedToOperatorIT},
 * {@code DelegatedToInfraKitIT}).
 */
class DelegatedGroupsTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);

    private final MemoryStore store = new MemoryStore();
    private final Keys keys = new Keys("/test");
    private final Map<String, RecordingGroups> running = new HashMap<>();
    private final PluginLookup plugins = new PluginLookup() {
        @Override
        public InstancePlugin instance(PluginName name) {
            throw new PluginNotFoundException("instance", name.lookup(), Set.of());
        }

        @Override
        public FlavorPlugin flavor(PluginName name) {
            throw new PluginNotFoundException("flavor", name.lookup(), Set.of());
        }

        @Override
        public GroupPlugin group(PluginName name) {
            RecordingGroups g = running.get(name.lookup());
            if (g == null) {
                throw new PluginNotFoundException("group", name.lookup(), running.keySet());
            }
            return g;
        }
    };
    private final SpecCache specs = new SpecCache(keys, GroupRouting.own("ops"), id -> { });
    private final StatusWriter statuses = new StatusWriter(store, keys);
    /** Group plugins named {@code ops-*} only; {@code my-group} and the others are allowed until a test sets it. */
    private final AtomicBoolean opsOnly = new AtomicBoolean();
    private final Admission admission = Admission.of(() -> opsOnly.get()
            ? PolicyFile.parse("{\"Default\":{\"Plugins\":{\"Group\":[\"ops-*\"]}}}", "the test's policy")
            : AdmissionPolicy.none("no policy"), BuiltinCatalog.NONE, keys);
    private final DelegatedGroups delegated = new DelegatedGroups(specs, plugins, statuses, admission, CLOCK);
    private final AtomicBoolean active = new AtomicBoolean(true);
    private final LeaderTerm term = new LeaderTerm() {
        @Override
        public boolean isActive() {
            return active.get();
        }

        @Override
        public Txn fence(Txn txn) {
            return txn;
        }
    };
    private long revision = 10;

    /** A group plugin that keeps its groups in memory, as InfraKit's does, and records every call. */
    static final class RecordingGroups implements GroupPlugin {
        final List<String> calls = new ArrayList<>();
        final Map<String, GroupSpec> groups = new HashMap<>();
        boolean converged = true;

        @Override
        public String commitGroup(GroupSpec spec, boolean pretend) {
            calls.add("commit " + spec.id() + (spec.plugin() == null ? "" : " plugin=" + spec.plugin()));
            groups.put(spec.id(), spec);
            return "Managing 1 instances";
        }

        @Override
        public void freeGroup(String id) {
            calls.add("free " + id);
            watched(id);
            groups.remove(id);
        }

        @Override
        public GroupDescription describeGroup(String id) {
            calls.add("describe " + id);
            watched(id);
            return new GroupDescription(List.of(new InstanceDescription("i-1", null, Map.of(), null)), converged);
        }

        @Override
        public void destroyGroup(String id) {
            calls.add("destroy " + id);
            watched(id);
            groups.remove(id);
        }

        @Override
        public List<GroupSpec> inspectGroups() {
            return List.copyOf(groups.values());
        }

        private void watched(String id) {
            if (!groups.containsKey(id)) {
                throw new RpcException(RpcException.SERVER_ERROR, "Group '" + id + "' is not being watched", null);
            }
        }
    }

    private RecordingGroups start(String name) {
        RecordingGroups g = new RecordingGroups();
        running.put(name, g);
        return g;
    }

    private void put(String id, String plugin) {
        revision++;
        String json = "{\"ID\":\"" + id + "\"," + (plugin == null ? "" : "\"Plugin\":\"" + plugin + "\",")
                + "\"Properties\":{\"Allocation\":{\"Size\":1},\"Instance\":{\"Plugin\":\"mem\"},"
                + "\"Flavor\":{\"Plugin\":\"vanilla\"}}}";
        specs.specListener().onEvent(new WatchEvent(WatchEvent.Type.PUT,
                new KeyValue(keys.group(id), json, revision, revision, 1)));
    }

    private void delete(String id) {
        revision++;
        specs.specListener().onEvent(new WatchEvent(WatchEvent.Type.DELETE,
                new KeyValue(keys.group(id), "", 0, revision, 0)));
    }

    private Outcome reconcile(String id, boolean free) {
        return delegated.reconcile(id, specs.get(id), free, term).orElseThrow();
    }

    private GroupStatus status(String id) {
        return statuses.last(id).orElseThrow();
    }

    @Test
    void commitsOncePerRevisionAndLeaderTermThenOnlyDescribes() {
        RecordingGroups my = start("my-group");
        put("web", "my-group");
        assertThat(reconcile("web", false)).isEqualTo(Outcome.DONE);
        assertThat(reconcile("web", false)).isEqualTo(Outcome.DONE);
        assertThat(my.calls).containsExactly("commit web", "describe web", "describe web");
        GroupStatus s = status("web");
        assertThat(s.state()).isEqualTo(GroupState.CONVERGED);
        assertThat(s.groupPlugin()).isEqualTo("my-group");
        assertThat(s.observed()).isEqualTo(1);
        assertThat(s.specRevision()).isEqualTo(revision);

        put("web", "my-group");
        my.converged = false;
        assertThat(reconcile("web", false)).isEqualTo(Outcome.POLL);
        assertThat(status("web").state()).isEqualTo(GroupState.CONVERGING);
        my.calls.clear();
        delegated.reset(); // a new leader term
        reconcile("web", false);
        assertThat(my.calls).containsExactly("commit web", "describe web");
    }

    @Test
    void aPluginThatForgotTheGroupGetsItAgainAndOneThatIsGoneIsAnError() {
        RecordingGroups my = start("my-group");
        put("web", "my-group");
        reconcile("web", false);
        my.groups.clear(); // restarted
        my.calls.clear();
        assertThat(reconcile("web", false)).isEqualTo(Outcome.DONE);
        assertThat(my.calls).containsExactly("describe web", "commit web", "describe web");

        running.remove("my-group");
        assertThat(reconcile("web", false)).isEqualTo(Outcome.RETRY);
        GroupStatus s = status("web");
        assertThat(s.state()).isEqualTo(GroupState.ERROR);
        assertThat(s.groupPlugin()).isEqualTo("my-group");
        assertThat(s.error().message()).isEqualTo("DescribeGroup failed: group plugin 'my-group' not found "
                + "(known group plugins: none)");
        assertThat(s.error().since()).isEqualTo(CLOCK.instant().toString());
    }

    @Test
    void freeOnceDestroyOnDeleteAndTheOwnNamesAreNotDelegated() {
        RecordingGroups my = start("my-group");
        put("web", "my-group");
        reconcile("web", false);
        assertThat(reconcile("web", true)).isEqualTo(Outcome.DONE);
        assertThat(reconcile("web", true)).isEqualTo(Outcome.DONE);
        assertThat(my.calls).containsExactly("commit web", "describe web", "free web");
        assertThat(status("web").state()).isEqualTo(GroupState.FREE);

        reconcile("web", false);
        delete("web");
        my.calls.clear();
        assertThat(reconcile("web", false)).isEqualTo(Outcome.DONE);
        assertThat(my.calls).containsExactly("destroy web");
        assertThat(statuses.last("web")).isEmpty();
        assertThat(specs.get("web")).isNull();

        put("own", "ops");
        put("plain", null);
        put("group", "group");
        for (String id : List.of("own", "plain", "group")) {
            assertThat(delegated.reconcile(id, specs.get(id), false, term)).isEmpty();
        }
    }

    @Test
    void aGroupPluginThePolicyDoesNotNameIsNotCalledAndTheStatusSaysWhy() {
        RecordingGroups my = start("my-group");
        RecordingGroups ops = start("ops-group");
        put("web", "my-group");
        reconcile("web", false);
        my.calls.clear();

        opsOnly.set(true);
        put("web", "my-group");
        put("db", "ops-group");
        assertThat(reconcile("web", false)).isEqualTo(Outcome.DONE);
        assertThat(reconcile("db", false)).isEqualTo(Outcome.DONE);
        assertThat(my.calls).isEmpty(); // what it holds is left as it is
        assertThat(ops.calls).containsExactly("commit db", "describe db");
        GroupStatus s = status("web");
        assertThat(s.state()).isEqualTo(GroupState.ERROR);
        assertThat(s.groupPlugin()).isEqualTo("my-group");
        assertThat(s.specRevision()).isEqualTo(revision - 1);
        assertThat(s.error().message()).isEqualTo("Refused by the spec policy (the test's policy, rule Default):"
                + " Group.Plugin my-group is not in Plugins.Group");

        // Freeing and destroying are never refused: they only take from what runs.
        assertThat(reconcile("web", true)).isEqualTo(Outcome.DONE);
        delete("web");
        assertThat(reconcile("web", false)).isEqualTo(Outcome.DONE);
        assertThat(my.calls).containsExactly("free web", "destroy web");
    }

    @Test
    void aGroupMovingToAnotherPluginOrBackIsFreedWhereItWas() {
        RecordingGroups one = start("one");
        RecordingGroups two = start("two");
        put("web", "one");
        reconcile("web", false);
        put("web", "two");
        reconcile("web", false);
        assertThat(one.calls).containsExactly("commit web", "describe web", "free web");
        assertThat(two.calls).containsExactly("commit web", "describe web");
        assertThat(status("web").groupPlugin()).isEqualTo("two");

        put("web", null); // the controller's own now
        assertThat(delegated.reconcile("web", specs.get("web"), false, term)).isEmpty();
        assertThat(two.calls).endsWith("free web");
        assertThat(status("web").groupPlugin()).isNull();
    }

    @Test
    void aDeposedLeaderCallsNothing() {
        RecordingGroups my = start("my-group");
        put("web", "my-group");
        active.set(false);
        assertThatThrownBy(() -> reconcile("web", false)).isInstanceOf(LostLeadershipException.class);
        delete("web");
        assertThatThrownBy(() -> reconcile("web", false)).isInstanceOf(LostLeadershipException.class);
        assertThat(my.calls).isEmpty();
    }
}
