package io.infrakit.operator.controller;

import static io.infrakit.operator.controller.OperatorFixture.cattle;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.infrakit.operator.Keys;
import io.infrakit.operator.election.Replica;
import io.infrakit.operator.election.ReplicaIdentity;
import io.infrakit.operator.group.GroupStatus;
import io.infrakit.plugins.PluginRegistry;
import io.infrakit.plugins.fence.TermFence;
import io.infrakit.plugins.file.FileInstancePlugin;
import io.infrakit.plugins.group.Tags;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.store.KeyValue;
import io.infrakit.store.etcd.EtcdServer;
import io.infrakit.store.etcd.EtcdStore;
import io.infrakit.store.testing.EtcdSnapshots;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * etcd replaced by a member restored from an older snapshot, under a leading replica: its revision goes backwards,
 * and the operator must re-list and converge to the restored specs, acting on nothing it knew from the lost history.
 */
class EtcdRestoreIT {

    private static final Duration CONVERGE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final List<AutoCloseable> open = new ArrayList<>();
    private final List<EtcdServer> servers = new ArrayList<>();
    private EtcdServer etcd;
    private EtcdStore store;
    private Path files;
    private FileInstancePlugin plugin;

    @BeforeEach
    void startEtcd() {
        etcd = started(EtcdServer.builder("restore", dir.resolve("etcd")).fastTimings(true).build());
        store = EtcdStore.connect(etcd.clientUrl());
        open.add(store);
        files = dir.resolve("files");
        plugin = new FileInstancePlugin(files);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        servers.forEach(EtcdServer::close);
    }

    @Test
    void restoredToAnOlderRevisionTheLeaderRelistsAndConvergesToTheRestoredSpecs() throws Exception {
        Keys keys = new Keys("/restore/");
        Member r1 = leading(keys, "r1");
        Controller controller = r1.controller();
        Replica replica = r1.replica();

        // The state the snapshot keeps.
        store.put(keys.group("keep"), cattle("keep", 2, "k"));
        store.put(keys.group("gone"), cattle("gone", 2, "g"));
        store.put(keys.group("scaled"), cattle("scaled", 2, "s"));
        awaitConverged(store, keys, "keep", 2);
        awaitConverged(store, keys, "gone", 2);
        awaitConverged(store, keys, "scaled", 2);
        Set<String> keepIds = ids(plugin, "keep");
        Path snapshot = dir.resolve("snapshot.db");
        EtcdSnapshots.save(etcd, snapshot);
        long snapshotRevision = store.list(keys.prefix()).revision();

        // The history the restore loses: a group deleted, one added, one scaled.
        store.delete(keys.group("gone"));
        store.put(keys.group("late"), cattle("late", 2, "l"));
        store.put(keys.group("scaled"), cattle("scaled", 4, "s"));
        awaitInstances(plugin, "gone", 0);
        awaitConverged(store, keys, "late", 2);
        awaitConverged(store, keys, "scaled", 4);
        await("gone's status removed").atMost(CONVERGE).until(() -> store.get(keys.status("gone")).isEmpty());
        Set<String> before = allIds(plugin);
        long seen = store.list(keys.prefix()).revision();

        // The member replaced: stopped, its data restored from the snapshot into a new dir, started on its ports.
        servers.add(EtcdSnapshots.replaceFrom(etcd, snapshot, dir.resolve("restored")));
        long backAt = System.nanoTime();
        long restoredRevision = store.list(keys.prefix()).revision();
        assertThat(restoredRevision).as("etcd's revision after the restore").isLessThan(seen);

        await("the rewind noticed").atMost(CONVERGE).until(() -> controller.specs().rewinds() > 0);
        long noticed = System.nanoTime() - backAt;
        awaitConverged(store, keys, "gone", 2);
        awaitConverged(store, keys, "scaled", 2);
        awaitInstances(plugin, "late", 0);
        await("late's status removed").atMost(CONVERGE).until(() -> store.get(keys.status("late")).isEmpty());
        long converged = System.nanoTime() - backAt;
        await("r1 leads after the restore").atMost(CONVERGE).until(replica::isLeader);

        // Exactly the changes the restored specs ask for: nothing of "keep" touched, "scaled" only shrunk, "late"
        // gone, "gone" made anew.
        Set<String> after = allIds(plugin);
        Set<String> created = new HashSet<>(after);
        created.removeAll(before);
        Set<String> destroyed = new HashSet<>(before);
        destroyed.removeAll(after);
        assertThat(ids(plugin, "keep")).as("keep's instances").isEqualTo(keepIds);
        assertThat(created).as("instances created after the restore").isEqualTo(ids(plugin, "gone"));
        assertThat(destroyed).as("instances destroyed after the restore").hasSize(4);
        assertThat(ids(plugin, "scaled")).as("scaled's instances").hasSize(2).isSubsetOf(before);
        assertThat(controller.specs().rewinds()).as("rewinds counted").isEqualTo(1);
        GroupStatus scaled = status(store, keys, "scaled").orElseThrow();
        long specRevision = store.get(keys.group("scaled")).map(KeyValue::modRevision).orElseThrow();
        assertThat(scaled.specRevision()).as("scaled's status is of the restored spec").isEqualTo(specRevision);
        assertThat(specRevision).isLessThanOrEqualTo(snapshotRevision);
        System.out.printf("[restore] etcd restored from revision %d back to %d (snapshot at %d): rewind noticed "
                        + "%d ms after etcd was back, every group converged to the restored specs after %d ms%n",
                seen, restoredRevision, snapshotRevision, TimeUnit.NANOSECONDS.toMillis(noticed),
                TimeUnit.NANOSECONDS.toMillis(converged));
    }

    @Test
    void aLeaderElectedInTheLostHistoryIsFollowedByOneWhosePluginCallsAreNotRefused() throws Exception {
        Keys keys = new Keys("/era/");
        Member r1 = leading(keys, "r1");
        store.put(keys.group("keep"), cattle("keep", 2, "k"));
        awaitConverged(store, keys, "keep", 2);
        Path snapshot = dir.resolve("snapshot.db");
        EtcdSnapshots.save(etcd, snapshot);

        // The lost history: many revisions, then a new leader whose token the plugin records.
        for (int i = 0; i < 50; i++) {
            store.put(keys.prefix() + "filler", Integer.toString(i));
        }
        r1.replica().close(); // resigns: its key goes
        r1.controller().close();
        open.remove(r1.replica());
        open.remove(r1.controller());
        Member r2 = leading(keys, "r2");
        store.put(keys.group("keep"), cattle("keep", 3, "k"));
        store.put(keys.group("late"), cattle("late", 2, "l"));
        awaitConverged(store, keys, "keep", 3);
        awaitConverged(store, keys, "late", 2);
        long lostToken = TermFence.inDirectory(files).newest();

        servers.add(EtcdSnapshots.replaceFrom(etcd, snapshot, dir.resolve("restored")));
        long backAt = System.nanoTime();
        // r2's key is gone; r1's, restored with its lease, blocks the election until that lease expires.
        awaitInstances(plugin, "late", 0);
        awaitConverged(store, keys, "keep", 2);
        long converged = System.nanoTime() - backAt;
        assertThat(r2.replica().isLeader()).as("r2 leads again").isTrue();
        long token = TermFence.inDirectory(files).newest();
        assertThat(token).as("the plugin's newest term after the restore").isGreaterThan(lostToken);
        String leader = keys.leader();
        assertThat(store.get(leader.substring(0, leader.length() - 1) + "-era").map(KeyValue::value))
                .as("the leader era").contains("1");
        System.out.printf("[restore] leader of the lost history fenced plugins at term %d; after the restore the "
                        + "next leader's term is %d (era 1); converged %d ms after etcd was back%n", lostToken, token,
                TimeUnit.NANOSECONDS.toMillis(converged));
    }

    private record Member(Controller controller, Replica replica) {
    }

    /** A replica (controller and election) on the file plugin in {@code files}, once it leads. */
    private Member leading(Keys keys, String id) {
        Controller controller = new Controller(store, keys, PluginRegistry.builtins(files),
                ControllerConfig.defaults().withResync(Duration.ofSeconds(1)));
        open.add(controller);
        controller.start();
        await("spec cache synced").atMost(Duration.ofSeconds(10)).until(controller::isSynced);
        Replica replica = new Replica(store, keys.leader(), controller,
                ReplicaIdentity.of(id, null, "test", Instant.now().toString()), Duration.ofSeconds(5),
                Duration.ofMillis(1250));
        open.add(replica);
        replica.start();
        await(id + " leads").atMost(Duration.ofSeconds(10)).until(replica::isLeader);
        return new Member(controller, replica);
    }

    private EtcdServer started(EtcdServer server) {
        servers.add(server);
        server.start();
        return server;
    }

    private static Optional<GroupStatus> status(EtcdStore store, Keys keys, String id) {
        return store.get(keys.status(id)).flatMap(kv -> GroupStatus.fromJson(kv.value()));
    }

    private static void awaitConverged(EtcdStore store, Keys keys, String id, long n) {
        await(id + " converged at " + n).atMost(CONVERGE).until(() -> status(store, keys, id)
                .filter(s -> s.converged() && Long.valueOf(n).equals(s.observed()) && s.desired() == n).isPresent());
    }

    private static void awaitInstances(FileInstancePlugin plugin, String group, int n) {
        await(group + " has " + n + " instances").atMost(CONVERGE).until(() -> ids(plugin, group).size() == n);
    }

    private static Set<String> ids(FileInstancePlugin plugin, String group) {
        return plugin.describeInstances(Map.of(Tags.GROUP, group), false).stream().map(InstanceDescription::id)
                .collect(Collectors.toSet());
    }

    private static Set<String> allIds(FileInstancePlugin plugin) {
        return plugin.describeInstances(Map.of(), false).stream().map(InstanceDescription::id)
                .collect(Collectors.toSet());
    }
}
