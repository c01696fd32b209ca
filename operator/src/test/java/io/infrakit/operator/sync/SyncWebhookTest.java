package io.infrakit.operator.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The sync webhook attacked over real sockets: slow clients, unauthenticated bodies, replays, foreign pushes. */
class SyncWebhookTest {

    private static final String SECRET = "s3cret";
    private static final String REPO = "https://github.com/acme/infra.git";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final AtomicInteger triggers = new AtomicInteger();
    private final List<Socket> sockets = new ArrayList<>();
    private SyncWebhook hook;

    @AfterEach
    void close() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        if (hook != null) {
            hook.close();
        }
    }

    private void start(PushFilter pushes, Duration bodyTimeout) throws IOException {
        hook = SyncWebhook.start(new InetSocketAddress("127.0.0.1", 0), SECRET, pushes, triggers::incrementAndGet,
                bodyTimeout);
    }

    private URI uri() {
        return URI.create("http://127.0.0.1:" + hook.address().getPort() + SyncWebhook.PATH);
    }

    private HttpResponse<String> post(String body, String... headers) throws Exception {
        HttpRequest.Builder req = HttpRequest.newBuilder(uri()).timeout(Duration.ofSeconds(3))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            req.headers(headers);
        }
        return HTTP.send(req.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A request whose head is complete but whose body stops after {@code sent} of {@code length} bytes. */
    private Socket stalled(String headers, int length, int sent) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), hook.address().getPort());
        sockets.add(s);
        s.setSoTimeout(5_000);
        s.getOutputStream().write(("POST " + SyncWebhook.PATH + " HTTP/1.1\r\nHost: x\r\n" + headers
                + "Content-Length: " + length + "\r\n\r\n" + "{".repeat(sent)).getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        return s;
    }

    private static String signature(String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    }

    private static String githubPush(String cloneUrl, String ref, String after) {
        return "{\"ref\":\"" + ref + "\",\"after\":\"" + after + "\",\"repository\":{\"full_name\":\"acme/infra\","
                + "\"clone_url\":\"" + cloneUrl + "\",\"html_url\":\"" + cloneUrl.replace(".git", "") + "\","
                + "\"default_branch\":\"main\"}}";
    }

    @Test
    void aSlowClientDoesNotHoldUpValidDeliveries() throws Exception {
        start(PushFilter.ANY, Duration.ofSeconds(10));
        for (int i = 0; i < 4; i++) {
            stalled(SyncWebhook.TOKEN_HEADER + ": " + SECRET + "\r\n", 1000, 10);
        }
        long begin = System.nanoTime();

        HttpResponse<String> valid = post("{}", SyncWebhook.TOKEN_HEADER, SECRET);

        assertThat(valid.statusCode()).isEqualTo(202);
        assertThat(Duration.ofNanos(System.nanoTime() - begin)).isLessThan(Duration.ofSeconds(1));
        assertThat(triggers).hasValue(1);
    }

    @Test
    void noBodyIsReadBeforeTheHeadersProveSomething() throws Exception {
        start(PushFilter.ANY, Duration.ofSeconds(10));
        // Announces a body and never sends it: the answer must not wait for it.
        Socket anonymous = stalled("", 1000, 0);
        Socket malformed = stalled("X-Hub-Signature-256: sha256=nothex\r\n", 1000, 0);

        for (Socket s : List.of(anonymous, malformed)) {
            long begin = System.nanoTime();
            String status = new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            assertThat(status).isEqualTo("HTTP/1.1 401");
            assertThat(Duration.ofNanos(System.nanoTime() - begin)).isLessThan(Duration.ofSeconds(1));
        }
        assertThat(post("{}", SyncWebhook.TOKEN_HEADER, "wrong").statusCode()).isEqualTo(401);
        assertThat(triggers).hasValue(0);
    }

    @Test
    void aBodyThatDoesNotArriveInTimeCostsTheConnection() throws Exception {
        start(PushFilter.ANY, Duration.ofMillis(500));
        Socket slow = stalled(SyncWebhook.TOKEN_HEADER + ": " + SECRET + "\r\n", 1000, 10);
        long begin = System.nanoTime();
        InputStream in = slow.getInputStream();

        int read;
        try {
            read = in.read();
        } catch (IOException reset) {
            read = -1;
        }

        assertThat(read).as("closed without an answer").isEqualTo(-1);
        assertThat(Duration.ofNanos(System.nanoTime() - begin)).isLessThan(Duration.ofMillis(2_500));
        assertThat(triggers).hasValue(0);
    }

    @Test
    void aReplayedSignedDeliveryDoesNothing() throws Exception {
        start(PushFilter.forGit(REPO, null), Duration.ofSeconds(10));
        String body = githubPush(REPO, "refs/heads/main", "a1");
        String sig = signature(body);

        HttpResponse<String> first = post(body, "X-Hub-Signature-256", sig, "X-GitHub-Event", "push",
                "X-GitHub-Delivery", "d-1");
        HttpResponse<String> sameId = post(body, "X-Hub-Signature-256", sig, "X-GitHub-Event", "push",
                "X-GitHub-Delivery", "d-1");
        HttpResponse<String> newId = post(body, "X-Hub-Signature-256", sig, "X-GitHub-Event", "push",
                "X-GitHub-Delivery", "d-2");
        HttpResponse<String> noId = post(body, "X-Hub-Signature-256", sig, "X-GitHub-Event", "push");

        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(List.of(sameId, newId, noId)).allSatisfy(r -> {
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("ignored: delivery received before\n");
        });
        String next = githubPush(REPO, "refs/heads/main", "b2");
        assertThat(post(next, "X-Hub-Signature-256", signature(next), "X-GitHub-Event", "push",
                "X-GitHub-Delivery", "d-3").statusCode()).isEqualTo(202);
        assertThat(triggers).hasValue(2);
    }

    @Test
    void aTokenDeliveryIsDedupedByItsId() throws Exception {
        start(PushFilter.ANY, Duration.ofSeconds(10));

        assertThat(post("{}", "X-Gitlab-Token", SECRET, "X-Gitlab-Event-UUID", "u-1").statusCode()).isEqualTo(202);
        assertThat(post("{}", "X-Gitlab-Token", SECRET, "X-Gitlab-Event-UUID", "u-1").statusCode()).isEqualTo(200);
        assertThat(post("{}", SyncWebhook.TOKEN_HEADER, SECRET).statusCode()).isEqualTo(202); // a CI job, again
        assertThat(post("{}", SyncWebhook.TOKEN_HEADER, SECRET).statusCode()).isEqualTo(202);
        assertThat(triggers).hasValue(3);
    }

    @Test
    void aPushForAnotherRepositoryOrBranchDoesNotSync() throws Exception {
        start(PushFilter.forGit(REPO, "main"), Duration.ofSeconds(10));
        String otherRepo = githubPush("https://github.com/acme/other.git", "refs/heads/main", "c1");
        String otherBranch = githubPush(REPO, "refs/heads/dev", "c2");
        String sameRepoOtherForm = githubPush("https://GitHub.com/acme/infra", "refs/heads/main", "c3");
        String gitlab = "{\"object_kind\":\"push\",\"ref\":\"refs/heads/main\",\"project\":{\"git_http_url\":"
                + "\"https://gitlab.com/acme/infra.git\",\"default_branch\":\"main\"}}";

        HttpResponse<String> repo = post(otherRepo, "X-Hub-Signature-256", signature(otherRepo),
                "X-GitHub-Event", "push", "X-GitHub-Delivery", "r-1");
        HttpResponse<String> branch = post(otherBranch, "X-Hub-Signature-256", signature(otherBranch),
                "X-GitHub-Event", "push", "X-GitHub-Delivery", "r-2");
        HttpResponse<String> lab = post(gitlab, "X-Gitlab-Token", SECRET, "X-Gitlab-Event", "Push Hook");
        HttpResponse<String> ping = post("{\"zen\":\"hi\"}", "X-Hub-Signature-256", signature("{\"zen\":\"hi\"}"),
                "X-GitHub-Event", "ping", "X-GitHub-Delivery", "r-3");

        assertThat(repo.statusCode()).isEqualTo(200);
        assertThat(repo.body()).isEqualTo("ignored: push to https://github.com/acme/other.git, this source follows "
                + REPO + "\n");
        assertThat(branch.body()).isEqualTo("ignored: push to refs/heads/dev, this source follows main\n");
        assertThat(lab.body()).startsWith("ignored: push to https://gitlab.com/acme/infra.git");
        assertThat(ping.body()).isEqualTo("ignored: ping event\n");
        assertThat(triggers).hasValue(0);

        assertThat(post(sameRepoOtherForm, "X-Hub-Signature-256", signature(sameRepoOtherForm),
                "X-GitHub-Event", "push", "X-GitHub-Delivery", "r-4").statusCode()).isEqualTo(202);
        assertThat(triggers).hasValue(1);
    }

    @Test
    void anEmptySecretIsRefusedAndAWideBindWarned() throws Exception {
        assertThatThrownBy(() -> SyncWebhook.start(new InetSocketAddress("127.0.0.1", 0), " \n", PushFilter.ANY,
                triggers::incrementAndGet)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("the webhook secret is empty");

        Logger log = (Logger) LoggerFactory.getLogger(SyncWebhook.class);
        ListAppender<ILoggingEvent> warnings = new ListAppender<>();
        warnings.start();
        log.addAppender(warnings);
        try {
            hook = SyncWebhook.start(new InetSocketAddress("0.0.0.0", 0), null, PushFilter.ANY,
                    triggers::incrementAndGet);
        } finally {
            log.detachAppender(warnings);
        }
        assertThat(warnings.list).filteredOn(e -> e.getLevel() == Level.WARN).extracting(ILoggingEvent::getFormattedMessage)
                .anySatisfy(m -> assertThat(m).contains("beyond this host, in plain HTTP"))
                .anySatisfy(m -> assertThat(m).contains("has no secret: anyone who reaches it can trigger syncs"));
    }

    @Test
    void repositoryUrlsCompareByHostAndPath() {
        assertThat(PushFilter.normalize("https://github.com/acme/infra.git"))
                .isEqualTo(PushFilter.normalize("git@github.com:acme/infra"))
                .isEqualTo(PushFilter.normalize("ssh://git@github.com:22/Acme/Infra/"))
                .isEqualTo(PushFilter.normalize("https://user:token@www.github.com/acme/infra"))
                .isEqualTo("github.com/acme/infra");
        assertThat(PushFilter.forGit("/srv/repos/infra", null).repository()).isNull();
        assertThat(PushFilter.forGit("file:///srv/repos/infra", "main").repository()).isNull();
        assertThat(PushFilter.forGit(REPO, "0123456789abcdef0123456789abcdef01234567")
                .mismatch(com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()
                        .put("ref", "refs/heads/main"))).contains("pinned to commit");
    }
}
