package io.infrakit.operator.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.operator.Keys;
import io.infrakit.operator.events.Event;
import io.infrakit.operator.events.EventKind;
import io.infrakit.operator.events.EventStore;
import io.infrakit.operator.http.HttpAddress;
import io.infrakit.operator.http.OperatorHttpServer;
import io.infrakit.operator.write.GroupWrites;
import io.infrakit.plugins.PluginRegistry;
import io.infrakit.plugins.json.Json;
import io.infrakit.store.etcd.EtcdStore;
import io.infrakit.store.testing.Await;
import io.infrakit.store.testing.EtcdCluster;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard's API and its rules over real HTTP, against a real etcd, without a browser: who may act, the
 * cross-site and DNS-rebinding checks, the event stream and its heartbeats through the server's idle timeout.
 */
@Timeout(60)
class DashboardHttpIT {

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.single();
    private static final String TOKEN = "alice-token-0123456789";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private EtcdStore store;
    private Keys keys;
    private Dashboard dashboard;
    private OperatorHttpServer server;

    @BeforeEach
    void open() throws IOException {
        store = ETCD.newStore();
        keys = new Keys(EtcdCluster.uniquePrefix("dash-http"));
    }

    @AfterEach
    void close() {
        if (server != null) {
            server.close();
        }
        if (dashboard != null) {
            dashboard.close();
        }
        store.close();
    }

    private String start(boolean readOnly, Duration idle, Duration heartbeat) throws IOException {
        Path tokens = dir.resolve("tokens");
        Files.writeString(tokens, "# who may act\nalice:" + TOKEN + "\n");
        Files.setPosixFilePermissions(tokens, PosixFilePermissions.fromString("rw-------"));
        GroupWrites writes = new GroupWrites(store, keys, PluginRegistry.builtins(dir), Clock.systemUTC());
        dashboard = Dashboard.builder(store, keys, writes, PluginRegistry.builtins(dir)).self("me").tokenFile(tokens)
                .readOnly(readOnly).heartbeat(heartbeat).start();
        HttpAddress address = new HttpAddress("127.0.0.1", 0);
        OperatorHttpServer.Builder b = OperatorHttpServer.builder(address).idleTimeout(idle);
        server = dashboard.mount(b, address).start();
        Await.until(Duration.ofSeconds(10), "the dashboard's watch listed etcd", dashboard::synced);
        return "http://" + server.address() + "/dashboard";
    }

    private static String spec(String id, int size) {
        return "{\"ID\":\"" + id + "\",\"Properties\":{\"Allocation\":{\"Size\":" + size + "},"
                + "\"Instance\":{\"Plugin\":\"instance-file\",\"Properties\":{}},"
                + "\"Flavor\":{\"Plugin\":\"flavor-vanilla\",\"Properties\":{}}}}";
    }

    private static HttpResponse<String> post(String url, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return UpProcess.send(b.build());
    }

    @Test
    void actionsNeedAValidTokenASameOriginJsonRequestAndAWritableDashboard() throws Exception {
        String base = start(false, OperatorHttpServer.IDLE_TIMEOUT, LiveUpdates.HEARTBEAT);
        store.put(keys.group("web"), spec("web", 2));
        String pause = base + "/api/groups/web/pause";

        assertThat(post(pause, "{}", "Content-Type", "application/json").statusCode()).isEqualTo(401);
        assertThat(post(pause, "{}", "Content-Type", "application/json", "Authorization", "Bearer nope-nope-nope-nope")
                .statusCode()).isEqualTo(401);
        HttpResponse<String> crossSite = post(pause, "{}", "Content-Type", "application/json", "Authorization",
                "Bearer " + TOKEN, "Sec-Fetch-Site", "same-site");
        assertThat(crossSite.statusCode()).isEqualTo(403);
        assertThat(crossSite.body()).contains("cross-site request refused");
        assertThat(post(pause, "{}", "Content-Type", "application/json", "Authorization", "Bearer " + TOKEN,
                "Origin", "http://127.0.0.1:1").statusCode()).isEqualTo(403);
        assertThat(post(pause, "{}", "Content-Type", "text/plain", "Authorization", "Bearer " + TOKEN).statusCode())
                .as("a body a cross-site form could send").isEqualTo(415);
        assertThat(store.get(keys.pause("web"))).as("nothing refused wrote anything").isEmpty();

        String origin = base.substring(0, base.indexOf("/dashboard"));
        HttpResponse<String> ok = post(pause, "{}", "Content-Type", "application/json", "Authorization",
                "Bearer " + TOKEN, "Origin", origin, "Sec-Fetch-Site", "same-origin");
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(store.get(keys.pause("web")).orElseThrow().value()).contains("paused by user");

        HttpResponse<String> session = UpProcess.send(HttpRequest.newBuilder(URI.create(base + "/api/session"))
                .header("Authorization", "Bearer " + TOKEN).build());
        assertThat(Json.parse(session.body()).path("User").asText()).isEqualTo("alice");

        HttpResponse<String> unconfirmed = post(base + "/api/groups/web/destroy", "{\"Confirm\":\"we\"}",
                "Content-Type", "application/json", "Authorization", "Bearer " + TOKEN);
        assertThat(unconfirmed.statusCode()).isEqualTo(400);
        assertThat(store.get(keys.group("web"))).isPresent();

        // A commit is the CLI's: validated (nothing written when invalid), explained when pretending, and guarded on
        // the revision the editor read.
        long read = store.get(keys.group("web")).orElseThrow().modRevision();
        HttpResponse<String> invalid = post(base + "/api/commit", "{\"Spec\":" + Json.write(spec("web", -1)) + "}",
                "Content-Type", "application/json", "Authorization", "Bearer " + TOKEN);
        assertThat(invalid.statusCode()).isEqualTo(400);
        HttpResponse<String> pretend = post(base + "/api/commit", "{\"Pretend\":true,\"BasedOn\":" + read
                + ",\"Spec\":" + Json.write(spec("web", 5)) + "}", "Content-Type", "application/json",
                "Authorization", "Bearer " + TOKEN);
        JsonNode explained = Json.parse(pretend.body());
        assertThat(explained.path("Message").asText())
                .isEqualTo("Committing web would involve: Adding 3 instances to increase the group size to 5");
        assertThat(explained.path("Diff").get(0).asText()).isEqualTo("~ Properties.Allocation.Size: 2 → 5");
        store.put(keys.group("web"), spec("web", 3)); // someone else writes meanwhile
        HttpResponse<String> stale = post(base + "/api/commit", "{\"BasedOn\":" + read + ",\"Spec\":"
                + Json.write(spec("web", 5)) + "}", "Content-Type", "application/json", "Authorization",
                "Bearer " + TOKEN);
        assertThat(stale.statusCode()).isEqualTo(409);
        assertThat(store.get(keys.group("web")).orElseThrow().value()).isEqualTo(spec("web", 3));

        // A token added to the file is honoured without a restart.
        Files.writeString(dir.resolve("tokens"), "alice:" + TOKEN + "\nbob:bob-token-0123456789ab\n");
        Files.setLastModifiedTime(dir.resolve("tokens"), java.nio.file.attribute.FileTime.fromMillis(
                System.currentTimeMillis() + 2000));
        HttpResponse<String> bob = post(base + "/api/groups/web/resume", "{}", "Content-Type", "application/json",
                "Authorization", "Bearer bob-token-0123456789ab");
        assertThat(bob.statusCode()).as(bob.body()).isEqualTo(200);
        assertThat(store.get(keys.pause("web"))).isEmpty();
    }

    @Test
    void aReadOnlyDashboardRefusesEveryActionWhateverTheToken() throws Exception {
        String base = start(true, OperatorHttpServer.IDLE_TIMEOUT, LiveUpdates.HEARTBEAT);
        store.put(keys.group("web"), spec("web", 2));
        HttpResponse<String> r = post(base + "/api/groups/web/pause", "{}", "Content-Type", "application/json",
                "Authorization", "Bearer " + TOKEN);
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("read-only");
        assertThat(Json.parse(UpProcess.send(HttpRequest.newBuilder(URI.create(base + "/api/overview")).build())
                .body()).path("Access").path("Actions").asBoolean()).isFalse();
        assertThat(store.get(keys.pause("web"))).isEmpty();
    }

    /** A page of another site whose name resolves to 127.0.0.1 (DNS rebinding) is refused, reads included. */
    @Test
    void onLoopbackOnlyLoopbackHostNamesAreServed() throws Exception {
        String base = start(false, OperatorHttpServer.IDLE_TIMEOUT, LiveUpdates.HEARTBEAT);
        int port = URI.create(base).getPort();
        assertThat(rawGet(port, "evil.example:" + port, "/dashboard/api/overview")).startsWith("HTTP/1.1 403");
        assertThat(rawGet(port, "localhost:" + port, "/dashboard/api/overview")).startsWith("HTTP/1.1 200");
        assertThat(rawGet(port, "127.0.0.1:" + port, "/dashboard/")).startsWith("HTTP/1.1 200")
                .contains("Content-Security-Policy: default-src 'none'").contains("X-Frame-Options: DENY");
        assertThat(rawGet(port, "127.0.0.1:" + port, "/")).startsWith("HTTP/1.1 302").contains("Location: /dashboard/");
    }

    private static String rawGet(int port, String host, String path) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * A stream outlives the server's idle timeout on its heartbeats (an idle plain connection does not), and carries
     * each change of etcd as it happens: a snapshot first, then the rows of the groups that changed.
     */
    @Test
    void aStreamLivesOnHeartbeatsPastTheIdleTimeoutAndCarriesEachChange() throws Exception {
        String base = start(false, Duration.ofMillis(1500), Duration.ofMillis(400));
        int port = URI.create(base).getPort();
        try (Socket idle = new Socket("127.0.0.1", port);
             Socket sse = new Socket("127.0.0.1", port)) {
            BlockingQueue<String> lines = stream(sse, port, "web");
            assertThat(next(lines, "event: snapshot", Duration.ofSeconds(5))).isNotNull();

            long started = System.nanoTime();
            int heartbeats = 0;
            while (System.nanoTime() - started < TimeUnit.MILLISECONDS.toNanos(4000)) {
                String l = lines.poll(100, TimeUnit.MILLISECONDS);
                if (": ping".equals(l)) {
                    heartbeats++;
                }
            }
            assertThat(heartbeats).as("heartbeats in 4 s at 400 ms").isGreaterThanOrEqualTo(5);
            idle.setSoTimeout(2000);
            assertThat(idle.getInputStream().read()).as("the idle plain connection was closed").isEqualTo(-1);

            long put = System.nanoTime();
            store.put(keys.group("web"), spec("web", 2));
            String data = next(lines, "data: {\"Revision\"", Duration.ofSeconds(5));
            System.out.printf("etcd put → rows event on the stream: %.1f ms%n", (System.nanoTime() - put) / 1e6);
            assertThat(Json.parse(data.substring(6)).path("Rows").get(0).path("ID").asText()).isEqualTo("web");
            assertThat(next(lines, "event: group", Duration.ofSeconds(5))).isNotNull();
            assertThat(dashboard.streams()).isEqualTo(1);
        }
        Await.until(Duration.ofSeconds(5), "the closed stream is forgotten", () -> dashboard.streams() == 0);
    }

    /**
     * A group's timeline comes from the events log: the API answers its recent events, a stream for its page starts
     * with them and then carries each new one (and none of another group's), and the log's bound holds here too.
     */
    @Test
    void aGroupsPageFollowsItsEventsFromTheLog() throws Exception {
        String base = start(false, Duration.ofSeconds(30), Duration.ofSeconds(10));
        EventStore log = new EventStore(store, keys);
        store.put(keys.group("web"), spec("web", 0));
        log.append(List.of(event("web", "first"), event("web", "second"), event("db", "elsewhere")), null);
        Await.until(Duration.ofSeconds(5), "both events of web listed", () -> {
            HttpResponse<String> r = UpProcess.send(HttpRequest.newBuilder(URI.create(base
                    + "/api/groups/web/events")).GET().build());
            return r.statusCode() == 200 && Json.parse(r.body()).path("Events").size() == 2;
        });
        HttpResponse<String> events = UpProcess.send(HttpRequest.newBuilder(URI.create(base
                + "/api/groups/web/events")).GET().build());
        JsonNode listed = Json.parse(events.body()).path("Events");
        assertThat(listed.get(0).path("Message").asText()).isEqualTo("first");
        assertThat(listed.get(1).path("Seq").asLong()).isEqualTo(2);
        assertThat(UpProcess.send(HttpRequest.newBuilder(URI.create(base + "/api/groups/nothing/events")).GET()
                .build()).statusCode()).isEqualTo(404);

        int port = URI.create(base).getPort();
        try (Socket sse = new Socket("127.0.0.1", port)) {
            BlockingQueue<String> lines = stream(sse, port, "web");
            next(lines, "event: snapshot", Duration.ofSeconds(5));
            JsonNode snapshot = Json.parse(next(lines, "data: ", Duration.ofSeconds(5)).substring(6));
            assertThat(snapshot.path("Events").findValuesAsText("Message")).containsExactly("first", "second");

            log.append(List.of(event("db", "not for this page")), null);
            long put = System.nanoTime();
            log.append(List.of(event("web", "third")), null);
            next(lines, "event: event", Duration.ofSeconds(5));
            String data = next(lines, "data: ", Duration.ofSeconds(5));
            System.out.printf("events log put → event on the stream: %.1f ms%n", (System.nanoTime() - put) / 1e6);
            JsonNode third = Json.parse(data.substring(6));
            assertThat(third.path("Group").asText()).isEqualTo("web");
            assertThat(third.path("Message").asText()).isEqualTo("third");
            assertThat(third.path("Seq").asLong()).isEqualTo(3);
        }

        // More than the log keeps: the oldest give way, here as in etcd.
        List<Event> many = new ArrayList<>();
        for (int i = 0; i < EventStore.KEEP + 10; i++) {
            many.add(event("web", "burst " + i));
        }
        log.append(many, null);
        Await.until(Duration.ofSeconds(10), "the newest " + EventStore.KEEP + " kept", () -> {
            JsonNode kept = Json.parse(UpProcess.send(HttpRequest.newBuilder(URI.create(base
                    + "/api/groups/web/events")).GET().build()).body()).path("Events");
            return kept.size() == EventStore.KEEP
                    && kept.get(EventStore.KEEP - 1).path("Message").asText().equals("burst " + (EventStore.KEEP + 9))
                    && kept.get(0).path("Message").asText().equals("burst 10");
        });
    }

    private static Event event(String group, String message) {
        return Event.of(Instant.now(), group, EventKind.STATE, null, "controller", message);
    }

    /** Asks for the stream of a group's page on the socket; its lines arrive in the queue as they are read. */
    private static BlockingQueue<String> stream(Socket sse, int port, String group) throws IOException {
        sse.getOutputStream().write(("GET /dashboard/api/stream?group=" + group + " HTTP/1.1\r\nHost: 127.0.0.1:"
                + port + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> readLines(sse, lines), "sse-reader");
        reader.setDaemon(true);
        reader.start();
        return lines;
    }

    private static void readLines(Socket s, BlockingQueue<String> lines) {
        try (InputStream in = s.getInputStream();
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String l = r.readLine(); l != null; l = r.readLine()) {
                lines.add(l);
            }
        } catch (IOException e) {
            lines.add("closed: " + e);
        }
    }

    private static String next(BlockingQueue<String> lines, String prefix, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> seen = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            String l = lines.poll(50, TimeUnit.MILLISECONDS);
            if (l != null && l.startsWith(prefix)) {
                return l;
            }
            if (l != null) {
                seen.add(l.length() > 80 ? l.substring(0, 80) : l);
            }
        }
        throw new AssertionError("no line starting with '" + prefix + "' within " + timeout + "; saw " + seen);
    }
}
