package io.infrakit.operator.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infrakit.operator.Keys;
import io.infrakit.operator.election.LeaderTerm;
import io.infrakit.operator.group.GroupDefinition;
import io.infrakit.operator.group.PauseMarker;
import io.infrakit.operator.group.SpecValidator;
import io.infrakit.operator.group.SyncAnnotations;
import io.infrakit.operator.testing.InterleavingStore;
import io.infrakit.plugins.PluginRegistry;
import io.infrakit.plugins.json.Json;
import io.infrakit.store.KeyValue;
import io.infrakit.store.testing.EtcdCluster;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The rules of the group write path, against a real etcd. */
@Timeout(30)
class GroupWritesIT {

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.single();

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private InterleavingStore store;
    private Keys keys;
    private GroupWrites writes;

    @BeforeEach
    void open() {
        store = new InterleavingStore(ETCD.newStore());
        keys = new Keys(EtcdCluster.uniquePrefix("writes"));
        writes = new GroupWrites(store, keys, PluginRegistry.builtins(dir), CLOCK);
    }

    @AfterEach
    void close() {
        store.close();
    }

    static String spec(String id, int size, String note) {
        return "{\"ID\":\"" + id + "\",\"Properties\":{\"Allocation\":{\"Size\":" + size + "},"
                + "\"Instance\":{\"Plugin\":\"instance-file\",\"Properties\":{\"Note\":\"" + note + "\"}},"
                + "\"Flavor\":{\"Plugin\":\"flavor-vanilla\",\"Properties\":{\"Init\":[\"echo hi\"]}}}}";
    }

    private String stored(String id) {
        return store.get(keys.group(id)).map(KeyValue::value).orElse(null);
    }

    private long revision(String id) {
        return store.get(keys.group(id)).map(KeyValue::modRevision).orElse(0L);
    }

    @Test
    void commitValidatesExplainsWritesCanonicallyAndTakesTheGroupBackFromFree() {
        GroupWrites.Commit pretend = writes.commit(spec("web", 3, "v1"), Author.USER, true);
        assertThat(pretend.details()).isEqualTo("Managing 3 instances");
        assertThat(stored("web")).isNull();

        GroupWrites.Commit c = writes.commit(spec("web", 3, "v1").replace("\"Size\"", "\"size\""), Author.USER, false);
        assertThat(c.revision()).isEqualTo(revision("web"));
        assertThat(stored("web")).isEqualTo(spec("web", 3, "v1")).isEqualTo(c.written());
        assertThat(c.warning()).isEmpty();

        writes.free("web", Author.USER);
        assertThat(writes.isFree("web")).isTrue();
        assertThat(writes.commit(spec("web", 5, "v1"), Author.USER, false).details())
                .as("a freed group is new again").isEqualTo("Managing 5 instances");
        assertThat(writes.isFree("web")).isFalse();
        assertThat(writes.commit(spec("web", 5, "v1"), Author.USER, false).details()).isEqualTo("Noop");
    }

    @Test
    void anInvalidSpecOrAMissingPluginWritesNothing() {
        assertThatThrownBy(() -> writes.commit("{\"ID\":\"web\",\"Properties\":{}}", Author.USER, false))
                .isInstanceOf(WriteException.class).hasMessage("Allocation must not be blank")
                .extracting(e -> ((WriteException) e).reason()).isEqualTo(WriteException.Reason.INVALID);
        assertThatThrownBy(() -> writes.commit(spec("web", 1, "x").replace("instance-file", "instance-nope"),
                Author.USER, false)).isInstanceOf(WriteException.class)
                .hasMessageStartingWith("Failed to find Instance plugin 'instance-nope':");
        assertThat(store.list(keys.groups()).kvs()).isEmpty();
        assertThat(store.list(keys.histories()).kvs()).isEmpty();
    }

    @Test
    void ofTwoConcurrentWritersTheSecondLosesWithAClearError() {
        writes.commit(spec("web", 3, "v1"), Author.USER, false);
        long read = revision("web");
        // Another writer lands between this commit's read and its write.
        store.beforeNextCommit(() -> store.put(keys.group("web"), spec("web", 4, "theirs")));
        assertThatThrownBy(() -> writes.commit(spec("web", 5, "mine"), Author.USER, false))
                .isInstanceOf(WriteException.class)
                .hasMessage("Group 'web' was changed by another writer since it was read (revision " + read + ", now "
                        + revision("web") + "): nothing written; read it again and retry")
                .extracting(e -> ((WriteException) e).reason()).isEqualTo(WriteException.Reason.CONFLICT);
        assertThat(stored("web")).isEqualTo(spec("web", 4, "theirs"));

        store.beforeNextCommit(() -> store.delete(keys.group("web")));
        assertThatThrownBy(() -> writes.free("web", Author.USER)).hasMessageContaining("now deleted");
        assertThat(writes.isFree("web")).isFalse();
    }

    @Test
    void aCommitBasedOnAnOlderReadIsAConflictEvenWhenPretending() {
        Author alice = Author.dashboard("alice");
        assertThatThrownBy(() -> writes.commit(spec("web", 3, "v1"), alice, false, 7))
                .hasMessage("Group 'web' was changed by another writer since it was read (revision 7, now deleted):"
                        + " nothing written; read it again and retry");
        writes.commit(spec("web", 3, "v1"), alice, false, 0);
        long seen = revision("web");
        store.put(keys.group("web"), spec("web", 4, "theirs")); // someone else, while alice edits
        for (boolean pretend : new boolean[] {true, false}) {
            assertThatThrownBy(() -> writes.commit(spec("web", 5, "mine"), alice, pretend, seen))
                    .extracting(e -> ((WriteException) e).reason()).isEqualTo(WriteException.Reason.CONFLICT);
        }
        assertThat(stored("web")).isEqualTo(spec("web", 4, "theirs"));
        GroupWrites.Commit c = writes.commit(spec("web", 5, "mine"), alice, false, revision("web"));
        assertThat(stored("web")).isEqualTo(c.written()).contains("mine");
        assertThat(alice).hasToString("dashboard user 'alice'");
    }

    @Test
    void everySpecWrittenIsInTheHistoryAndRollbackRestoresThePreviousConfig() {
        writes.commit(spec("web", 3, "v1"), Author.USER, false);
        long v1 = revision("web");
        writes.commit(spec("web", 3, "v2"), Author.USER, false);
        long v2 = revision("web");
        writes.commit(spec("web", 5, "v2"), Author.USER, false); // a resize: same config
        writes.pause("web", Author.USER);
        assertThat(writes.history().entries("web")).extracting(SpecHistory.Entry::revision)
                .containsExactly(v1, v2, revision("web"));

        GroupWrites.Rollback r = writes.rollback("web", Author.USER);
        assertThat(r.fromRevision()).as("the newest spec at another config").isEqualTo(v1);
        assertThat(stored("web")).isEqualTo(spec("web", 3, "v1"));
        assertThat(r.revision()).isEqualTo(revision("web"));
        assertThat(store.get(keys.pause("web"))).as("a rollback resumes the update").isEmpty();
        assertThat(writes.history().entries("web")).hasSize(4);

        for (int i = 0; i < SpecHistory.KEEP + 2; i++) {
            writes.commit(spec("web", 3, "v" + (10 + i)), Author.USER, false);
        }
        assertThat(writes.history().entries("web")).hasSize(SpecHistory.KEEP);
    }

    @Test
    void rollbackWithoutHistoryAndWritesToUnknownGroupsAreRefused() {
        assertThatThrownBy(() -> writes.destroy("nope", Author.USER)).hasMessage("Group 'nope' is not being watched");
        assertThatThrownBy(() -> writes.pause("nope", Author.USER)).hasMessage("Group 'nope' is not being watched");
        store.put(keys.group("hand"), spec("hand", 1, "etcdctl"));
        assertThatThrownBy(() -> writes.rollback("hand", Author.USER)).isInstanceOf(WriteException.class)
                .extracting(e -> ((WriteException) e).reason()).isEqualTo(WriteException.Reason.NO_HISTORY);
        writes.free("hand", Author.USER);
        assertThatThrownBy(() -> writes.free("hand", Author.USER)).hasMessage("Group 'hand' is not being watched");
        writes.destroy("hand", Author.USER);
        assertThat(stored("hand")).isNull();
        assertThat(writes.isFree("hand")).as("a destroyed group is managed until its instances are gone").isFalse();
    }

    @Test
    void aGroupASyncOwnsStaysItsWhoeverWritesAndAnotherSourceIsRefused() throws Exception {
        String synced = SyncAnnotations.value((com.fasterxml.jackson.databind.node.ObjectNode)
                Json.parse(spec("web", 3, "git")), Map.of(SyncAnnotations.SOURCE, "prod", SyncAnnotations.PATH,
                "prod/web.json"));
        writes.batch(Author.sync("prod")).put("web", null, synced).commit();
        StoredSpec read = writes.read("web").orElseThrow();
        assertThat(read.owner()).isEqualTo("prod");

        GroupWrites.Commit hand = writes.commit(spec("web", 4, "git"), Author.USER, false);
        assertThat(hand.warning()).hasValueSatisfying(w -> assertThat(w).contains("sync source 'prod'")
                .contains("prod/web.json").contains("drift"));
        assertThat(writes.read("web").orElseThrow().owner()).as("still the source's").isEqualTo("prod");
        assertThat(SpecValidator.parse("web", stored("web"), 0).desired()).isEqualTo(4);

        StoredSpec now = writes.read("web").orElseThrow();
        assertThatThrownBy(() -> writes.batch(Author.sync("other")).put("web", now, synced))
                .isInstanceOf(WriteException.class).hasMessageContaining("owned by sync source 'prod'")
                .extracting(e -> ((WriteException) e).reason()).isEqualTo(WriteException.Reason.OWNED);
        assertThat(writes.destroy("web", Author.GROUP_SOCKET)).isPresent();
    }

    @Test
    void aBatchIsAllOrNothingOnTheRevisionsItRead() {
        writes.commit(spec("a", 1, "v1"), Author.USER, false);
        StoredSpec a = writes.read("a").orElseThrow();
        store.put(keys.group("a"), spec("a", 2, "etcdctl"));
        boolean ok = writes.batch(Author.sync("prod")).put("a", a, spec("a", 3, "git"))
                .put("b", null, spec("b", 1, "git")).commit().succeeded();
        assertThat(ok).isFalse();
        assertThat(stored("b")).isNull();
        assertThat(stored("a")).isEqualTo(spec("a", 2, "etcdctl"));
    }

    @Test
    void theControllersFailureActionsAreGuardedOnTheSpecThatFailed() throws Exception {
        writes.commit(spec("web", 3, "v1"), Author.USER, false);
        writes.commit(spec("web", 3, "v2"), Author.USER, false);
        GroupDefinition failing = SpecValidator.parse("web", stored("web"), revision("web"));

        writes.forLeader().pauseFailedUpdate(failing, "Instance x is unhealthy", LeaderTerm.standalone());
        PauseMarker marker = PauseMarker.parse(store.get(keys.pause("web")).orElseThrow().value());
        assertThat(marker).isEqualTo(PauseMarker.byFailure("Instance x is unhealthy", failing.configHash(),
                CLOCK.instant()));

        assertThat(writes.forLeader().rollBackFailedUpdate(failing, "unhealthy", LeaderTerm.standalone())).isPresent();
        assertThat(stored("web")).isEqualTo(spec("web", 3, "v1"));
        // The spec moved on since the failure: a new commit wins, nothing is rolled back or paused.
        store.delete(keys.pause("web"));
        writes.forLeader().pauseFailedUpdate(failing, "late", LeaderTerm.standalone());
        assertThat(store.get(keys.pause("web"))).isEmpty();
        assertThat(writes.forLeader().rollBackFailedUpdate(failing, "late", LeaderTerm.standalone())).isEmpty();
        assertThat(stored("web")).isEqualTo(spec("web", 3, "v1"));
    }
}
