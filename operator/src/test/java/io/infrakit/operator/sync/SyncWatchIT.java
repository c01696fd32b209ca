package io.infrakit.operator.sync;

import static io.infrakit.operator.sync.GitRepo.cattle;
import static org.assertj.core.api.Assertions.assertThat;

import io.infrakit.operator.Keys;
import io.infrakit.operator.group.FieldChange;
import io.infrakit.plugins.json.Json;
import io.infrakit.store.KeyValue;
import io.infrakit.store.Store;
import io.infrakit.store.testing.Await;
import io.infrakit.store.testing.EtcdCluster;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code sync --watch}: following a remote repository on a timer and on webhook calls; drift and self-heal. */
class SyncWatchIT {

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.single();
    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    Path tmp;

    private Store store;
    private Keys keys;
    private GitRepo repo;
    private final List<SyncResult> results = new CopyOnWriteArrayList<>();
    private SyncWatcher watcher;
    private SyncWebhook webhook;

    @BeforeEach
    void setUp() throws Exception {
        store = ETCD.newStore();
        keys = new Keys(EtcdCluster.uniquePrefix("watch"));
        repo = GitRepo.init(tmp.resolve("origin"));
    }

    @AfterEach
    void tearDown() {
        if (webhook != null) {
            webhook.close();
        }
        if (watcher != null) {
            watcher.close();
        }
        repo.close();
    }

    /** Follows the repository as a remote (file:// URL, mirrored in a cache), as it would follow a git host. */
    private SyncWatcher watch(SyncOptions options, Duration interval) throws SyncException {
        GitSource source = GitSource.builder(repo.url()).cacheDir(tmp.resolve("cache")).build();
        Syncer syncer = new Syncer(store, keys, source, options.withRecordRefresh(Duration.ofMinutes(10)), null, null);
        watcher = new SyncWatcher(syncer, interval, results::add).start();
        return watcher;
    }

    private long size(String id) {
        return store.get(keys.group(id)).map(kv -> Json.parse(kv.value()).at("/Properties/Allocation/Size").asLong())
                .orElse(-1L);
    }

    private SyncRecord record() {
        return Syncer.record(store, keys, "infra").orElse(SyncRecord.none("infra"));
    }

    /** Waits for {@code n} more syncs to finish. */
    private void awaitSyncs(int n) {
        int target = results.size() + n;
        Await.until(WAIT, n + " more syncs", () -> results.size() >= target);
    }

    @Test
    void watchPicksUpANewCommitAndIsQuietInBetween() throws Exception {
        repo.write("web.json", cattle("web", 1));
        repo.commit("first");
        watch(SyncOptions.of("infra").withRevertDrift(false), Duration.ofMillis(200));
        Await.until(WAIT, "first sync", () -> size("web") == 1);

        // Nothing changes: the following syncs make no etcd write at all.
        awaitSyncs(1);
        long revision = store.list(keys.prefix() + "/").revision();
        awaitSyncs(3);
        assertThat(store.list(keys.prefix() + "/").revision()).isEqualTo(revision);

        repo.write("web.json", cattle("web", 4)).write("db.json", cattle("db", 2));
        String second = repo.commit("second");
        Await.until(WAIT, "new commit applied", () -> size("web") == 4 && size("db") == 2);
        Await.until(WAIT, "record of the new commit", () -> second.equals(record().commit()));
        assertThat(record().result()).isEqualTo(SyncRecord.SYNCED);
    }

    @Test
    void aWebhookCallTriggersASyncAndNeedsTheSecret() throws Exception {
        repo.write("web.json", cattle("web", 1));
        repo.commit("first");
        SyncWatcher w = watch(SyncOptions.of("infra"), Duration.ofHours(1));
        webhook = SyncWebhook.start(new InetSocketAddress("127.0.0.1", 0), "s3cret", PushFilter.ANY, w::trigger);
        Await.until(WAIT, "first sync", () -> size("web") == 1);
        Await.until(WAIT, "first result", () -> results.size() == 1);
        int syncs = results.size();

        repo.write("web.json", cattle("web", 2));
        repo.commit("second");
        HttpClient http = HttpClient.newHttpClient();
        URI uri = URI.create("http://127.0.0.1:" + webhook.address().getPort() + SyncWebhook.PATH);
        assertThat(http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString())
                .statusCode()).isEqualTo(405);
        assertThat(post(http, uri, "wrong", null).statusCode()).isEqualTo(401);
        assertThat(post(http, uri, null, null).statusCode()).isEqualTo(401);
        assertThat(results).hasSize(syncs);
        assertThat(size("web")).isEqualTo(1);

        assertThat(post(http, uri, "s3cret", null).statusCode()).isEqualTo(202);
        Await.until(WAIT, "sync on webhook", () -> size("web") == 2);

        // GitHub signs the body with the secret instead of sending it.
        repo.write("web.json", cattle("web", 3));
        repo.commit("third");
        String body = "{\"ref\":\"refs/heads/main\"}";
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec("s3cret".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String signature = "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        assertThat(post(http, uri, null, "sha256=" + "0".repeat(64), body).statusCode()).isEqualTo(401);
        assertThat(post(http, uri, null, signature, body).statusCode()).isEqualTo(202);
        Await.until(WAIT, "sync on signed webhook", () -> size("web") == 3);
    }

    private static HttpResponse<String> post(HttpClient http, URI uri, String token, String signature)
            throws Exception {
        return post(http, uri, token, signature, "{}");
    }

    private static HttpResponse<String> post(HttpClient http, URI uri, String token, String signature, String body)
            throws Exception {
        HttpRequest.Builder req = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            req.header(SyncWebhook.TOKEN_HEADER, token);
        }
        if (signature != null) {
            req.header("X-Hub-Signature-256", signature);
        }
        return http.send(req.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void driftIsReportedWithoutSelfHealAndRevertedWithIt() throws Exception {
        repo.write("web.json", cattle("web", 2));
        repo.commit("first");
        SyncWatcher reporting = watch(SyncOptions.of("infra").withRevertDrift(false), Duration.ofMillis(200));
        Await.until(WAIT, "first sync", () -> size("web") == 2);

        String handEdit = cattle("web", 8);
        store.put(keys.group("web"), handEdit);
        Await.until(WAIT, "drift reported", () -> record().drift().equals(List.of("web")));
        assertThat(record().result()).isEqualTo(SyncRecord.DRIFT);
        awaitSyncs(3);
        assertThat(store.get(keys.group("web")).map(KeyValue::value)).contains(handEdit);
        SyncResult last = results.get(results.size() - 1);
        assertThat(last.plan().changes()).extracting(GroupChange::kind).containsExactly(GroupChange.Kind.DRIFT);
        assertThat(last.plan().changes().get(0).diff()).containsExactly(new FieldChange(
                "Properties.Allocation.Size", Json.parse("8"), Json.parse("2")));
        reporting.close();

        watch(SyncOptions.of("infra").withRevertDrift(true), Duration.ofMillis(200));
        Await.until(WAIT, "drift reverted", () -> size("web") == 2);
        Await.until(WAIT, "record clean", () -> record().drift().isEmpty()
                && SyncRecord.SYNCED.equals(record().result()));
    }

    @Test
    void aBrokenCommitWhileWatchingKeepsThePreviousStateUntilFixed() throws Exception {
        repo.write("web.json", cattle("web", 2));
        String good = repo.commit("first");
        watch(SyncOptions.of("infra").withPrune(true), Duration.ofMillis(200));
        Await.until(WAIT, "first sync", () -> size("web") == 2);

        repo.write("web.json", cattle("web", 5)).write("bad.json", "[{\"ID\": \"bad\"}]");
        repo.commit("broken");
        Await.until(WAIT, "error recorded", () -> SyncRecord.ERROR.equals(record().result()));
        assertThat(record().error()).contains("bad.json:1: element 0: group 'bad'");
        assertThat(record().commit()).isEqualTo(good);
        awaitSyncs(2);
        assertThat(size("web")).isEqualTo(2);

        repo.delete("bad.json");
        String fixed = repo.commit("fixed");
        Await.until(WAIT, "fixed commit applied", () -> size("web") == 5 && fixed.equals(record().commit()));
        assertThat(record().error()).isNull();
    }
}
