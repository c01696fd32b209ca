package io.infrakit.operator.sync;

import static io.infrakit.operator.sync.GitRepo.cattle;
import static io.infrakit.operator.sync.GitRepo.cattleYaml;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.operator.Keys;
import io.infrakit.operator.group.FieldChange;
import io.infrakit.operator.group.SpecValidator;
import io.infrakit.operator.group.SyncAnnotations;
import io.infrakit.operator.testing.InterleavingStore;
import io.infrakit.plugins.PluginRegistry;
import io.infrakit.plugins.json.Json;
import io.infrakit.store.KeyValue;
import io.infrakit.store.testing.EtcdCluster;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** One-shot syncs from real git repositories into a real etcd. */
class SyncIT {

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.single();

    @TempDir
    Path tmp;

    private InterleavingStore store;
    private Keys keys;
    private GitRepo repo;

    @BeforeEach
    void setUp() throws Exception {
        store = new InterleavingStore(ETCD.newStore());
        keys = new Keys(EtcdCluster.uniquePrefix("sync"));
        repo = GitRepo.init(tmp.resolve("repo"));
    }

    @AfterEach
    void tearDown() {
        repo.close();
    }

    private Syncer syncer(SyncOptions options) throws SyncException {
        return new Syncer(store, keys, GitSource.builder(repo.dir.toString()).path("groups").build(), options,
                PluginRegistry.builtins(tmp.resolve("files")), null);
    }

    private SyncResult sync() throws SyncException {
        return syncer(SyncOptions.of("infra")).sync(false);
    }

    private KeyValue kv(String id) {
        return store.get(keys.group(id)).orElseThrow(() -> new AssertionError("no key for " + id));
    }

    private long size(String id) {
        return Json.parse(kv(id).value()).at("/Properties/Allocation/Size").asLong();
    }

    private Map<String, String> annotations(String id) {
        return SyncAnnotations.read(Json.parse(kv(id).value()));
    }

    private SyncRecord record() {
        return Syncer.record(store, keys, "infra").orElseThrow();
    }

    private long revision() {
        return store.list(keys.prefix() + "/").revision();
    }

    private static void assertApplied(SyncResult r) {
        assertThat(r.problems()).isEmpty();
        assertThat(r.status()).isEqualTo(SyncResult.Status.APPLIED);
    }

    @Test
    void firstSyncWritesEverySpecAnnotatedWithItsSourceAndASecondChangesNothing() throws Exception {
        repo.write("groups/web.json", cattle("web", 3))
                .write("groups/data/stores.yaml", "- " + cattleYaml("db", 1).replace("\n", "\n  ").strip() + "\n"
                        + "- " + cattleYaml("cache", 2).replace("\n", "\n  ").strip() + "\n")
                .write("README.md", "not a spec");
        String commit = repo.commit("first");

        SyncResult r = sync();
        assertApplied(r);
        assertThat(r.transactions()).isEqualTo(1);
        assertThat(r.plan().of(GroupChange.Kind.CREATE)).extracting(GroupChange::id)
                .containsExactly("cache", "db", "web");
        assertThat(size("web")).isEqualTo(3);
        assertThat(size("cache")).isEqualTo(2);
        assertThat(annotations("web")).containsExactlyInAnyOrderEntriesOf(Map.of(
                SyncAnnotations.SOURCE, "infra", SyncAnnotations.REPOSITORY, repo.dir.toString(),
                SyncAnnotations.COMMIT, commit, SyncAnnotations.PATH, "groups/web.json"));
        assertThat(annotations("db")).containsEntry(SyncAnnotations.PATH, "groups/data/stores.yaml");
        // What the operator reads: the spec validates, and the annotations do not change its config hash.
        assertThat(SpecValidator.parse("web", kv("web").value(), 1).configHash())
                .isEqualTo(SpecValidator.parse("web", cattle("web", 3), 1).configHash());

        SyncRecord rec = record();
        assertThat(rec.commit()).isEqualTo(commit);
        assertThat(rec.result()).isEqualTo(SyncRecord.SYNCED);
        assertThat(rec.ref()).isEqualTo("HEAD");
        assertThat(rec.path()).isEqualTo("groups");
        assertThat(rec.syncedAt()).isNotNull();
        assertThat(rec.groups()).containsOnlyKeys("web", "db", "cache");
        assertThat(rec.lastChange().created()).containsExactly("cache", "db", "web");

        long webRevision = kv("web").modRevision();
        SyncResult again = sync();
        assertThat(again.status()).isEqualTo(SyncResult.Status.IN_SYNC);
        assertThat(again.plan().unchanged()).containsExactly("cache", "db", "web");
        assertThat(kv("web").modRevision()).isEqualTo(webRevision);

        // While watching, a sync that finds nothing to do writes nothing at all, not even its record.
        long before = revision();
        SyncResult quiet = syncer(SyncOptions.of("infra").withRecordRefresh(java.time.Duration.ofMinutes(10)))
                .sync(false);
        assertThat(quiet.status()).isEqualTo(SyncResult.Status.IN_SYNC);
        assertThat(revision()).isEqualTo(before);
    }

    @Test
    void changedAndAddedFilesAreWrittenAndUnchangedOnesAreNot() throws Exception {
        repo.write("groups/web.json", cattle("web", 3)).write("groups/db.json", cattle("db", 1));
        String first = repo.commit("first");
        assertApplied(sync());
        long dbRevision = kv("db").modRevision();

        repo.write("groups/web.json", cattle("web", 5)).write("groups/cache.json", cattle("cache", 2));
        String second = repo.commit("scale web, add cache");
        SyncResult r = sync();
        assertApplied(r);
        assertThat(r.plan().changes()).extracting(GroupChange::kind, GroupChange::id).containsExactly(
                org.assertj.core.groups.Tuple.tuple(GroupChange.Kind.CREATE, "cache"),
                org.assertj.core.groups.Tuple.tuple(GroupChange.Kind.UPDATE, "web"));
        GroupChange web = r.plan().of(GroupChange.Kind.UPDATE).get(0);
        assertThat(web.drift()).isFalse();
        assertThat(web.diff()).containsExactly(new FieldChange("Properties.Allocation.Size",
                Json.parse("3"), Json.parse("5")));
        assertThat(size("web")).isEqualTo(5);
        assertThat(size("cache")).isEqualTo(2);
        assertThat(annotations("web")).containsEntry(SyncAnnotations.COMMIT, second);
        assertThat(kv("db").modRevision()).isEqualTo(dbRevision);
        assertThat(annotations("db")).containsEntry(SyncAnnotations.COMMIT, first);
        assertThat(record().commit()).isEqualTo(second);
        assertThat(record().lastChange().updated()).containsExactly("web");
    }

    @Test
    void removedFileIsKeptWithoutPruneAndDeletedWithIt() throws Exception {
        repo.write("groups/web.json", cattle("web", 3)).write("groups/old.json", cattle("old", 2));
        repo.commit("first");
        assertApplied(sync());
        store.put(keys.free("old"), "{}");

        repo.delete("groups/old.json");
        repo.commit("remove old");
        SyncResult kept = sync();
        assertThat(kept.status()).isEqualTo(SyncResult.Status.OUT_OF_SYNC);
        assertThat(kept.plan().changes()).extracting(GroupChange::kind).containsExactly(GroupChange.Kind.ORPHAN);
        assertThat(store.get(keys.group("old"))).isPresent();
        assertThat(record().orphans()).containsExactly("old");

        SyncResult pruned = syncer(SyncOptions.of("infra").withPrune(true)).sync(false);
        assertApplied(pruned);
        assertThat(pruned.plan().of(GroupChange.Kind.DELETE)).extracting(GroupChange::id).containsExactly("old");
        assertThat(store.get(keys.group("old"))).isEmpty();
        assertThat(store.get(keys.free("old"))).isEmpty();
        assertThat(store.get(keys.group("web"))).isPresent();
        assertThat(record().groups()).containsOnlyKeys("web");
        assertThat(record().orphans()).isEmpty();
        assertThat(record().lastChange().deleted()).containsExactly("old");
    }

    @Test
    void keysWrittenByHandOrByAnotherSourceAreNeverPruned() throws Exception {
        store.put(keys.group("manual"), cattle("manual", 1));
        String others = SyncAnnotations.value((com.fasterxml.jackson.databind.node.ObjectNode) Json.parse(
                cattle("theirs", 1)), Map.of(SyncAnnotations.SOURCE, "other", SyncAnnotations.PATH, "theirs.json"));
        store.put(keys.group("theirs"), others);
        long manualRevision = kv("manual").modRevision();
        repo.write("groups/web.json", cattle("web", 1));
        repo.commit("first");

        SyncResult r = syncer(SyncOptions.of("infra").withPrune(true)).sync(false);
        assertApplied(r);
        assertThat(r.plan().changes()).extracting(GroupChange::id).containsExactly("web");
        assertThat(kv("manual").modRevision()).isEqualTo(manualRevision);
        assertThat(kv("theirs").value()).isEqualTo(others);

        repo.delete("groups/web.json").write("groups/other.json", cattle("other", 1));
        repo.commit("replace web");
        SyncResult next = syncer(SyncOptions.of("infra").withPrune(true)).sync(false);
        assertApplied(next);
        assertThat(next.plan().of(GroupChange.Kind.DELETE)).extracting(GroupChange::id).containsExactly("web");
        assertThat(kv("manual").modRevision()).isEqualTo(manualRevision);
        assertThat(kv("theirs").value()).isEqualTo(others);
    }

    @Test
    void pruneDeletesOnlyWhatTheSourcesRecordSaysItWrote() throws Exception {
        repo.write("groups/s-a.json", cattle("a", 1));
        repo.commit("first");
        assertApplied(sync());
        // A copy of the synced spec under another ID, annotations and all, and a key written by hand that claims
        // to come from this source: neither was written by it.
        String copy = kv("a").value().replace("\"ID\":\"a\"", "\"ID\":\"copy\"");
        store.put(keys.group("copy"), copy);
        String claimed = SyncAnnotations.value((com.fasterxml.jackson.databind.node.ObjectNode) Json.parse(
                cattle("claimed", 1)), Map.of(SyncAnnotations.SOURCE, "infra", SyncAnnotations.PATH, "groups/x.json"));
        store.put(keys.group("claimed"), claimed);

        SyncResult r = syncer(SyncOptions.of("infra").withPrune(true)).sync(false);
        assertThat(r.problems()).isEmpty();
        assertThat(r.plan().of(GroupChange.Kind.DELETE)).isEmpty();
        assertThat(r.plan().of(GroupChange.Kind.UNRECORDED)).extracting(GroupChange::id)
                .containsExactly("claimed", "copy");
        assertThat(r.plan().of(GroupChange.Kind.UNRECORDED)).allSatisfy(c -> assertThat(c.note())
                .contains("this source's record does not list it").contains("not pruned"));
        assertThat(kv("copy").value()).isEqualTo(copy);
        assertThat(kv("claimed").value()).isEqualTo(claimed);
        assertThat(record().groups()).containsOnlyKeys("a");

        // Without --prune the copies stay out of the record too, so a later prune cannot take them for its own.
        assertThat(sync().plan().of(GroupChange.Kind.UNRECORDED)).hasSize(2);
        assertThat(record().groups()).containsOnlyKeys("a");
        assertThat(record().orphans()).isEmpty();

        // The file now declares another group: "a" is pruned, for the right reason (the file is still there).
        repo.write("groups/s-a.json", cattle("b", 1));
        repo.commit("a becomes b");
        assertPrunedOnly("a", "groups/s-a.json no longer declares group 'a'");

        repo.delete("groups/s-a.json").write("groups/other.json", cattle("other", 1));
        repo.commit("remove s-a.json");
        assertPrunedOnly("b", "groups/s-a.json is gone");
    }

    /** A sync with --prune deletes exactly {@code id}, for the reason given, and neither of the impostors. */
    private void assertPrunedOnly(String id, String reason) throws SyncException {
        SyncResult r = syncer(SyncOptions.of("infra").withPrune(true)).sync(false);
        assertApplied(r);
        assertThat(r.plan().of(GroupChange.Kind.DELETE)).singleElement().satisfies(c -> {
            assertThat(c.id()).isEqualTo(id);
            assertThat(c.note()).startsWith(reason);
        });
        assertThat(store.get(keys.group("copy"))).isPresent();
        assertThat(store.get(keys.group("claimed"))).isPresent();
    }

    @Test
    void aHandWrittenSpecForADeclaredGroupIsAdopted() throws Exception {
        store.put(keys.group("web"), cattle("web", 7));
        store.put(keys.group("same"), cattle("same", 1));
        repo.write("groups/web.json", cattle("web", 3)).write("groups/same.json", cattle("same", 1));
        repo.commit("first");
        SyncResult r = sync();
        assertApplied(r);
        assertThat(r.plan().changes()).extracting(GroupChange::kind).containsOnly(GroupChange.Kind.ADOPT);
        assertThat(r.plan().changes().get(1).diff()).extracting(FieldChange::path)
                .containsExactly("Properties.Allocation.Size");
        assertThat(size("web")).isEqualTo(3);
        assertThat(annotations("web")).containsEntry(SyncAnnotations.SOURCE, "infra");
        assertThat(annotations("same")).containsEntry(SyncAnnotations.SOURCE, "infra");
    }

    @Test
    void aGroupOwnedByAnotherSourceIsAConflictAndNothingIsApplied() throws Exception {
        repo.write("groups/web.json", cattle("web", 1)).write("groups/db.json", cattle("db", 1));
        repo.commit("first");
        assertApplied(syncer(SyncOptions.of("other")).sync(false));
        store.delete(keys.group("db"));

        SyncResult r = sync();
        assertThat(r.status()).isEqualTo(SyncResult.Status.FAILED);
        assertThat(r.problems()).extracting(SyncProblem::toString).contains(
                "groups/web.json:1: group 'web' is owned by sync source 'other' (" + keys.group("web")
                        + "): a group can come from one source only");
        assertThat(store.get(keys.group("db"))).isEmpty();
    }

    @Test
    void aConcurrentEditFailsTheTransactionAndNothingIsApplied() throws Exception {
        repo.write("groups/web.json", cattle("web", 1)).write("groups/db.json", cattle("db", 1));
        repo.commit("first");
        assertApplied(sync());
        repo.write("groups/web.json", cattle("web", 2)).write("groups/db.json", cattle("db", 2))
                .write("groups/new.json", cattle("new", 1));
        String second = repo.commit("second");
        String handEdit = cattle("web", 9);
        // Someone runs "etcdctl put" after the sync read etcd and before it writes.
        store.beforeNextCommit(() -> store.put(keys.group("web"), handEdit));

        SyncResult r = sync();
        assertThat(r.status()).isEqualTo(SyncResult.Status.FAILED);
        assertThat(r.applied()).isZero();
        assertThat(r.problems().get(0).message()).contains("keys changed in etcd while syncing")
                .contains(keys.group("web")).doesNotContain(keys.group("db")).contains("nothing was applied");
        assertThat(kv("web").value()).isEqualTo(handEdit);
        assertThat(size("db")).isEqualTo(1);
        assertThat(store.get(keys.group("new"))).isEmpty();
        SyncRecord rec = record();
        assertThat(rec.result()).isEqualTo(SyncRecord.ERROR);
        assertThat(rec.commit()).isNotEqualTo(second);

        // The next sync sees the edit, reports it as drift, and puts the source's spec back.
        SyncResult retry = sync();
        assertApplied(retry);
        GroupChange web = retry.plan().of(GroupChange.Kind.UPDATE).stream()
                .filter(c -> c.id().equals("web")).findFirst().orElseThrow();
        assertThat(web.drift()).isTrue();
        assertThat(size("web")).isEqualTo(2);
        assertThat(record().commit()).isEqualTo(second);
        assertThat(record().error()).isNull();
    }

    @Test
    void oneBadFileBlocksTheWholeSync() throws Exception {
        repo.write("groups/web.json", cattle("web", 1));
        String first = repo.commit("first");
        assertApplied(sync());
        long webRevision = kv("web").modRevision();

        repo.write("groups/web.json", cattle("web", 4)).write("groups/db.json", cattle("db", 1))
                .write("groups/broken.yaml", "ID: broken\nProperties:\n  Allocation:\n    Size: -1\n"
                        + "  Instance: {Plugin: instance-file}\n  Flavor: {Plugin: flavor-vanilla}\n")
                .write("groups/z/nojson.json", "{\n\"ID\": \"x\",\n\"Properties\": \n}");
        repo.commit("one good change, two bad files");
        SyncResult r = sync();
        assertThat(r.status()).isEqualTo(SyncResult.Status.FAILED);
        assertThat(r.problems()).extracting(SyncProblem::toString).containsExactly(
                "groups/broken.yaml:1: group 'broken': Invalid properties: Allocation.Size must not be negative (got -1)",
                "groups/z/nojson.json:4: not valid JSON: unexpected '}': expected a value");
        assertThat(r.problems().get(1).line()).isEqualTo(4);
        assertThat(kv("web").modRevision()).isEqualTo(webRevision);
        assertThat(store.get(keys.group("db"))).isEmpty();
        SyncRecord rec = record();
        assertThat(rec.commit()).isEqualTo(first);
        assertThat(rec.result()).isEqualTo(SyncRecord.ERROR);
        assertThat(rec.error()).contains("groups/broken.yaml:1").contains("groups/z/nojson.json:4");

        repo.delete("groups/broken.yaml").delete("groups/z/nojson.json");
        String fixed = repo.commit("fix");
        assertApplied(sync());
        assertThat(size("web")).isEqualTo(4);
        assertThat(record().commit()).isEqualTo(fixed);
        assertThat(record().result()).isEqualTo(SyncRecord.SYNCED);
    }

    @Test
    void duplicateGroupIdsAcrossFilesBlockTheSync() throws Exception {
        repo.write("groups/a.json", cattle("web", 1)).write("groups/b.yml", cattleYaml("web", 2));
        repo.commit("twice");
        SyncResult r = sync();
        assertThat(r.status()).isEqualTo(SyncResult.Status.FAILED);
        assertThat(r.problems()).extracting(SyncProblem::toString)
                .containsExactly("groups/b.yml:1: duplicate group ID 'web': also defined at groups/a.json:1");
        assertThat(store.get(keys.group("web"))).isEmpty();
    }

    @Test
    void aBadSourceLeavesEtcdAsItWas() throws Exception {
        repo.write("groups/web.json", cattle("web", 1));
        String first = repo.commit("first");
        assertApplied(sync());
        long before = kv("web").modRevision();

        SyncResult badRef = new Syncer(store, keys, GitSource.builder(repo.dir.toString()).ref("no-such-branch")
                .build(), SyncOptions.of("infra").withPrune(true), null, null).sync(false);
        assertThat(badRef.status()).isEqualTo(SyncResult.Status.FAILED);
        assertThat(badRef.problems().get(0).message()).contains("ref 'no-such-branch' not found");
        GitSource unreachable = GitSource.builder(tmp.resolve("gone").toUri().toString())
                .cacheDir(tmp.resolve("cache")).build();
        SyncResult gone = new Syncer(store, keys, unreachable, SyncOptions.of("infra").withPrune(true), null, null)
                .sync(false);
        assertThat(gone.problems().get(0).message()).startsWith("cannot fetch");
        repo.symlink("groups/leak.json", "../../../etc/hosts");
        repo.commit("leak");
        SyncResult leak = syncer(SyncOptions.of("infra").withPrune(true)).sync(false);
        assertThat(leak.problems()).extracting(SyncProblem::toString)
                .containsExactly("groups/leak.json: symlink points out of the tree (to ../../../etc/hosts)");

        assertThat(kv("web").modRevision()).isEqualTo(before);
        assertThat(record().commit()).isEqualTo(first);
        assertThat(record().groups()).containsOnlyKeys("web");
        assertThat(record().error()).contains("symlink points out of the tree");
    }

    @Test
    void anEmptySourceDoesNotPruneEverythingUnlessAllowed() throws Exception {
        repo.write("groups/web.json", cattle("web", 1)).write("groups/keep.txt", "x");
        repo.commit("first");
        assertApplied(sync());
        repo.delete("groups/web.json");
        repo.commit("empty");
        SyncResult refused = syncer(SyncOptions.of("infra").withPrune(true)).sync(false);
        assertThat(refused.status()).isEqualTo(SyncResult.Status.FAILED);
        assertThat(refused.problems().get(0).message()).contains("--allow-empty");
        assertThat(store.get(keys.group("web"))).isPresent();

        assertApplied(syncer(SyncOptions.of("infra").withPrune(true).withAllowEmpty(true)).sync(false));
        assertThat(store.get(keys.group("web"))).isEmpty();
    }

    @Test
    void driftIsRevertedByAOneShotSyncAndOnlyReportedWhenAskedTo() throws Exception {
        repo.write("groups/web.json", cattle("web", 2)).write("groups/db.json", cattle("db", 1));
        repo.commit("first");
        assertApplied(sync());
        String handEdit = cattle("web", 6);
        store.put(keys.group("web"), handEdit);
        store.delete(keys.group("db"));

        SyncResult reported = syncer(SyncOptions.of("infra").withRevertDrift(false)).sync(false);
        assertThat(reported.status()).isEqualTo(SyncResult.Status.OUT_OF_SYNC);
        assertThat(reported.plan().changes()).extracting(GroupChange::kind)
                .containsExactly(GroupChange.Kind.DRIFT, GroupChange.Kind.DRIFT);
        assertThat(kv("web").value()).isEqualTo(handEdit);
        assertThat(record().result()).isEqualTo(SyncRecord.DRIFT);
        assertThat(record().drift()).containsExactly("db", "web");

        SyncResult healed = sync();
        assertApplied(healed);
        assertThat(healed.plan().changes()).extracting(GroupChange::kind, GroupChange::drift).containsExactly(
                org.assertj.core.groups.Tuple.tuple(GroupChange.Kind.CREATE, true),
                org.assertj.core.groups.Tuple.tuple(GroupChange.Kind.UPDATE, true));
        assertThat(size("web")).isEqualTo(2);
        assertThat(size("db")).isEqualTo(1);
        assertThat(record().drift()).isEmpty();

        // A source change to a drifted group wins even without self-heal: the new commit is what was reviewed.
        store.put(keys.group("web"), handEdit);
        repo.write("groups/web.json", cattle("web", 3));
        repo.commit("web 3");
        SyncResult changed = syncer(SyncOptions.of("infra").withRevertDrift(false)).sync(false);
        assertApplied(changed);
        assertThat(size("web")).isEqualTo(3);
    }

    @Test
    void aMovedFileOnlyRewritesTheAnnotations() throws Exception {
        repo.write("groups/web.json", cattle("web", 2));
        repo.commit("first");
        assertApplied(sync());
        repo.delete("groups/web.json").write("groups/frontend/web.yaml", cattleYaml("web", 2));
        repo.commit("move");
        SyncResult r = sync();
        assertApplied(r);
        GroupChange c = r.plan().changes().get(0);
        assertThat(c.kind()).isEqualTo(GroupChange.Kind.RELABEL);
        assertThat(c.diff()).extracting(FieldChange::path).containsExactly("Annotations[\"infrakit.sync/path\"]");
        assertThat(annotations("web")).containsEntry(SyncAnnotations.PATH, "groups/frontend/web.yaml");
    }

    @Test
    void aDryRunFromACiCheckoutOfTheSameCommitIsInSync() throws Exception {
        repo.write("groups/web.json", cattle("web", 2));
        repo.commit("first");
        GitSource remote = GitSource.builder(repo.url()).path("groups").cacheDir(tmp.resolve("cache")).build();
        assertApplied(new Syncer(store, keys, remote, SyncOptions.of("infra"), null, null).sync(false));
        // CI reads its own checkout (another location); the repository annotation is no reason to differ.
        SyncResult ci = syncer(SyncOptions.of("infra").withPrune(true)).sync(true);
        assertThat(ci.status()).isEqualTo(SyncResult.Status.IN_SYNC);
        assertThat(annotations("web")).containsEntry(SyncAnnotations.REPOSITORY, repo.url());
    }

    @Test
    void aLargeSyncIsSplitIntoTransactionsWithinEtcdLimits() throws Exception {
        for (int i = 0; i < 7; i++) {
            repo.write("groups/g" + i + ".json", cattle("g" + i, 1));
        }
        repo.commit("seven");
        SyncResult r = syncer(SyncOptions.of("infra").withMaxTxnOps(4)).sync(false);
        assertApplied(r);
        assertThat(r.transactions()).isEqualTo(3);
        assertThat(store.list(keys.groups()).kvs()).hasSize(7);
        assertThat(record().groups()).hasSize(7);
    }

    @Test
    void dryRunWritesNothingAndTellsWhetherEtcdIsInSync() throws Exception {
        repo.write("groups/web.json", cattle("web", 2));
        repo.commit("first");
        long before = revision();
        SyncResult dry = syncer(SyncOptions.of("infra")).sync(true);
        assertThat(dry.status()).isEqualTo(SyncResult.Status.OUT_OF_SYNC);
        assertThat(dry.dryRun()).isTrue();
        assertThat(revision()).isEqualTo(before);
        assertThat(Syncer.record(store, keys, "infra")).isEmpty();

        assertApplied(sync());
        assertThat(syncer(SyncOptions.of("infra")).sync(true).status()).isEqualTo(SyncResult.Status.IN_SYNC);
        repo.write("groups/web.json", "{ broken");
        repo.commit("broken");
        long beforeBroken = revision();
        assertThat(syncer(SyncOptions.of("infra")).sync(true).status()).isEqualTo(SyncResult.Status.FAILED);
        assertThat(revision()).isEqualTo(beforeBroken);
    }

    @Test
    void aDirectorySourceSyncsLikeARepository() throws Exception {
        Path dir = tmp.resolve("specs");
        java.nio.file.Files.createDirectories(dir);
        java.nio.file.Files.writeString(dir.resolve("web.json"), cattle("web", 2));
        Syncer syncer = new Syncer(store, keys, new DirectorySource(dir, SourceLimits.DEFAULT), SyncOptions.of("specs"),
                null, null);
        assertApplied(syncer.sync(false));
        assertThat(annotations("web")).containsOnlyKeys(SyncAnnotations.SOURCE, SyncAnnotations.REPOSITORY,
                SyncAnnotations.PATH).containsEntry(SyncAnnotations.PATH, "web.json");
        JsonNode rec = Json.parse(store.get(Syncer.recordKey(keys, "specs")).orElseThrow().value());
        assertThat(rec.has("Commit")).isFalse();
        assertThat(rec.get("Repository").asText()).isEqualTo(dir.toString());
        assertThat(syncer.sync(false).status()).isEqualTo(SyncResult.Status.IN_SYNC);
        assertThat(List.of(rec.get("Result").asText())).containsExactly(SyncRecord.SYNCED);
    }
}
