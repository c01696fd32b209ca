package io.infrakit.operator.sync;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.plugins.http.Answers;
import io.infrakit.plugins.http.GuardedServer;
import io.infrakit.plugins.http.RequestBodies;
import io.infrakit.plugins.http.ThrottledWarning;
import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.json.JsonFormatException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /hooks/sync} asks for a sync now (a push hook from a git host, or a CI job). With a secret, a request
 * must prove it: header {@code X-InfraKit-Token: <secret>} (or GitLab's {@code X-Gitlab-Token}), or GitHub's (and
 * Gitea's) {@code X-Hub-Signature-256: sha256=<HMAC of the body>}. Answers 202 when a sync was asked for, 200 with
 * the reason when the delivery was valid but changes nothing, 401 without a valid proof.
 *
 * <p>What a hostile client cannot do: make the server read a body before its headers carry a token or a well-formed
 * signature; hold a thread while it sends slowly (reads are asynchronous and end at {@link #BODY_TIMEOUT}); trigger a
 * sync by replaying a delivery (deliveries are remembered by ID, and signed ones by their body); trigger one with a
 * push for another repository or branch than the source's ({@link PushFilter}). Ping and other events are answered
 * and ignored.
 */
public final class SyncWebhook implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SyncWebhook.class);

    public static final String PATH = "/hooks/sync";
    public static final String TOKEN_HEADER = "X-InfraKit-Token";
    /** Push payloads are small; anything larger is refused unread. */
    static final int MAX_BODY = 1 << 20;
    /** How long a client has to send the body (and, separately, the head). */
    static final Duration BODY_TIMEOUT = Duration.ofSeconds(10);

    private static final List<String> TOKEN_HEADERS = List.of(TOKEN_HEADER, "X-Gitlab-Token");
    private static final String SIGNATURE_HEADER = "X-Hub-Signature-256";
    private static final Pattern SIGNATURE = Pattern.compile("sha256=[0-9a-fA-F]{64}");
    /** The delivery IDs of GitHub, Gitea, Gogs and GitLab, and a generic one for callers of our own. */
    private static final List<String> DELIVERY_HEADERS = List.of("X-GitHub-Delivery", "X-Gitea-Delivery",
            "X-Gogs-Delivery", "X-Gitlab-Event-UUID", "Idempotency-Key", "X-InfraKit-Delivery");
    private static final List<String> EVENT_HEADERS = List.of("X-GitHub-Event", "X-Gitea-Event", "X-Gogs-Event",
            "X-Gitlab-Event");

    private final GuardedServer server;
    private final InetSocketAddress address;

    private SyncWebhook(GuardedServer server, InetSocketAddress address) {
        this.server = server;
        this.address = address;
    }

    /**
     * Listens on {@code address} (port 0: any free port).
     *
     * @param secret the shared secret, or null to accept any caller (refused when blank: an empty secret file is a
     *               mistake, not a wish to turn authentication off)
     * @param pushes which pushes concern the source
     */
    public static SyncWebhook start(InetSocketAddress address, String secret, PushFilter pushes, Runnable onTrigger)
            throws IOException {
        return start(address, secret, pushes, onTrigger, BODY_TIMEOUT);
    }

    static SyncWebhook start(InetSocketAddress address, String secret, PushFilter pushes, Runnable onTrigger,
                             Duration bodyTimeout) throws IOException {
        if (secret != null && secret.isBlank()) {
            throw new IllegalArgumentException("the webhook secret is empty: refusing to serve the webhook without "
                    + "authentication (give a secret, or none at all on a loopback address)");
        }
        Hook hook = new Hook(secret, Objects.requireNonNull(pushes, "pushes"), onTrigger, bodyTimeout);
        GuardedServer server = GuardedServer.builder("infrakit-webhook").tcp(address).handler(hook)
                .describedAs("the sync webhook at " + address).maxConnections(64).idleTimeout(Duration.ofSeconds(30))
                .requestTimeout(bodyTimeout).stopTimeout(Duration.ofSeconds(1)).start();
        InetSocketAddress bound = new InetSocketAddress(address.getAddress(), server.port());
        if (bound.getAddress() == null || !bound.getAddress().isLoopbackAddress()) {
            String where = bound.getHostString() + ":" + bound.getPort();
            LOG.warn("the sync webhook listens on {}, beyond this host, in plain HTTP: tokens and payloads cross the "
                    + "network readable by anyone on the path; put a TLS proxy in front of it", where);
            if (secret == null) {
                LOG.warn("the sync webhook on {} has no secret: anyone who reaches it can trigger syncs", where);
            }
        }
        return new SyncWebhook(server, bound);
    }

    /** The bound address (the real port when started on port 0). */
    public InetSocketAddress address() {
        return address;
    }

    @Override
    public void close() {
        server.close();
    }

    /** How a request proved itself. */
    private enum Proof { OPEN, TOKEN, SIGNATURE }

    private static final class Hook extends Handler.Abstract {
        private final byte[] secret;
        private final PushFilter pushes;
        private final Runnable onTrigger;
        private final Duration bodyTimeout;
        private final RecentDeliveries deliveries = new RecentDeliveries(4096);
        private final ThrottledWarning refused = new ThrottledWarning(LOG, Duration.ofMinutes(1),
                n -> "refused " + n + " sync webhook request(s) without a valid token or signature");

        Hook(String secret, PushFilter pushes, Runnable onTrigger, Duration bodyTimeout) {
            this.secret = secret == null ? null : secret.getBytes(StandardCharsets.UTF_8);
            this.pushes = pushes;
            this.onTrigger = onTrigger;
            this.bodyTimeout = bodyTimeout;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            if (!PATH.equals(request.getHttpURI().getPath())) {
                reply(response, callback, 404, "not found", true);
                return true;
            }
            if (!"POST".equals(request.getMethod())) {
                response.getHeaders().put(HttpHeader.ALLOW, "POST");
                reply(response, callback, 405, "use POST", true);
                return true;
            }
            Proof proof = proofInHeaders(request);
            if (proof == null) {
                refused.record();
                reply(response, callback, 401, "missing or wrong token", true); // the body stays unread
                return true;
            }
            RequestBodies.read(request, MAX_BODY, bodyTimeout).whenComplete((body, failure) -> {
                if (failure instanceof RequestBodies.TooLarge) {
                    reply(response, callback, 413, "body too large", true);
                } else if (failure != null) {
                    LOG.debug("closing a webhook connection: {}", failure.toString());
                    request.getConnectionMetaData().getConnection().getEndPoint().close(failure);
                    callback.failed(failure);
                } else {
                    try {
                        delivered(request, response, callback, proof, body);
                    } catch (RuntimeException e) {
                        LOG.error("answering a webhook delivery failed", e);
                        callback.failed(e);
                    }
                }
            });
            return true;
        }

        /** What the headers prove, before any of the body is read: null when nothing. */
        private Proof proofInHeaders(Request request) {
            if (secret == null) {
                return Proof.OPEN;
            }
            for (String header : TOKEN_HEADERS) {
                String token = request.getHeaders().get(header);
                if (token != null) {
                    return MessageDigest.isEqual(secret, token.getBytes(StandardCharsets.UTF_8)) ? Proof.TOKEN : null;
                }
            }
            String signature = request.getHeaders().get(SIGNATURE_HEADER);
            return signature != null && SIGNATURE.matcher(signature).matches() ? Proof.SIGNATURE : null;
        }

        private void delivered(Request request, Response response, Callback callback, Proof proof, byte[] body) {
            if (proof == Proof.SIGNATURE && !signed(request.getHeaders().get(SIGNATURE_HEADER), body)) {
                refused.record();
                reply(response, callback, 401, "missing or wrong token", false);
                return;
            }
            String event = event(request);
            if (event != null && !isPush(event)) {
                reply(response, callback, 200, "ignored: " + event + " event", false);
                return;
            }
            List<String> keys = new ArrayList<>();
            for (String header : DELIVERY_HEADERS) {
                String id = request.getHeaders().get(header);
                if (id != null && !id.isBlank()) {
                    keys.add("id:" + id.strip());
                }
            }
            if (proof == Proof.SIGNATURE) {
                keys.add("body:" + HexFormat.of().formatHex(sha256(body)));
            }
            if (!deliveries.firstTime(keys)) {
                LOG.debug("ignoring a webhook delivery seen before: {}", keys);
                reply(response, callback, 200, "ignored: delivery received before", false);
                return;
            }
            String mismatch = pushes.mismatch(json(body));
            if (mismatch != null) {
                LOG.info("sync webhook: ignored {}", mismatch);
                reply(response, callback, 200, "ignored: " + mismatch, false);
                return;
            }
            onTrigger.run();
            reply(response, callback, 202, "sync triggered", false);
        }

        private static String event(Request request) {
            for (String header : EVENT_HEADERS) {
                String e = request.getHeaders().get(header);
                if (e != null && !e.isBlank()) {
                    return e.strip();
                }
            }
            return null;
        }

        /** GitHub and Gitea say "push"; GitLab "Push Hook" and "Tag Push Hook". */
        private static boolean isPush(String event) {
            String e = event.toLowerCase(Locale.ROOT);
            return e.equals("push") || e.equals("push hook") || e.equals("tag push hook");
        }

        private boolean signed(String signature, byte[] body) {
            byte[] expected = HexFormat.of().formatHex(hmac(body)).getBytes(StandardCharsets.US_ASCII);
            byte[] given = signature.substring("sha256=".length()).toLowerCase(Locale.ROOT)
                    .getBytes(StandardCharsets.US_ASCII);
            return MessageDigest.isEqual(expected, given);
        }

        private byte[] hmac(byte[] body) {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(secret, "HmacSHA256"));
                return mac.doFinal(body);
            } catch (NoSuchAlgorithmException | InvalidKeyException e) {
                throw new IllegalStateException(e); // every JVM has HmacSHA256
            }
        }

        private static byte[] sha256(byte[] body) {
            try {
                return MessageDigest.getInstance("SHA-256").digest(body);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e); // every JVM has SHA-256
            }
        }

        private static JsonNode json(byte[] body) {
            try {
                return body.length == 0 ? null : Json.parse(body);
            } catch (JsonFormatException e) {
                return null; // a trigger with a body of its own: nothing to check
            }
        }

        private static void reply(Response response, Callback callback, int status, String text, boolean close) {
            if (close) {
                response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
            }
            Answers.text(response, callback, status, text + "\n");
        }
    }
}
