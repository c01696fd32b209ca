package io.infrakit.operator.sync;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@code POST /hooks/sync} asks for a sync now (a push hook from a git host, or a CI job). With a secret, a request
 * must prove it: header {@code X-InfraKit-Token: <secret>} (or GitLab's {@code X-Gitlab-Token}), or GitHub's
 * {@code X-Hub-Signature-256: sha256=<HMAC of the body>}. The body is otherwise ignored: the sync reads the source
 * itself. Answers 202 when a sync was asked for.
 */
public final class SyncWebhook implements AutoCloseable {

    public static final String PATH = "/hooks/sync";
    public static final String TOKEN_HEADER = "X-InfraKit-Token";
    /** Push payloads are small; anything larger is refused unread. */
    private static final int MAX_BODY = 1 << 20;

    private final HttpServer server;
    private final byte[] secret;
    private final Runnable onTrigger;

    private SyncWebhook(HttpServer server, String secret, Runnable onTrigger) {
        this.server = server;
        this.secret = secret == null || secret.isEmpty() ? null : secret.getBytes(StandardCharsets.UTF_8);
        this.onTrigger = onTrigger;
    }

    /** Listens on {@code address} (port 0: any free port). */
    public static SyncWebhook start(InetSocketAddress address, String secret, Runnable onTrigger) throws IOException {
        HttpServer server = HttpServer.create(address, 16);
        SyncWebhook hook = new SyncWebhook(server, secret, onTrigger);
        server.createContext(PATH, hook::handle);
        server.start();
        return hook;
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            if (!PATH.equals(ex.getRequestURI().getPath())) {
                reply(ex, 404, "not found");
                return;
            }
            if (!"POST".equals(ex.getRequestMethod())) {
                ex.getResponseHeaders().set("Allow", "POST");
                reply(ex, 405, "use POST");
                return;
            }
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readNBytes(MAX_BODY + 1);
            }
            if (body.length > MAX_BODY) {
                reply(ex, 413, "body too large");
                return;
            }
            if (!authorized(ex, body)) {
                reply(ex, 401, "missing or wrong token");
                return;
            }
            onTrigger.run();
            reply(ex, 202, "sync triggered");
        }
    }

    private boolean authorized(HttpExchange ex, byte[] body) {
        if (secret == null) {
            return true;
        }
        for (String header : new String[] {TOKEN_HEADER, "X-Gitlab-Token"}) {
            String token = ex.getRequestHeaders().getFirst(header);
            if (token != null && MessageDigest.isEqual(secret, token.getBytes(StandardCharsets.UTF_8))) {
                return true;
            }
        }
        String signature = ex.getRequestHeaders().getFirst("X-Hub-Signature-256");
        if (signature != null && signature.startsWith("sha256=")) {
            byte[] expected = HexFormat.of().formatHex(hmac(body)).getBytes(StandardCharsets.US_ASCII);
            byte[] given = signature.substring("sha256=".length()).toLowerCase(java.util.Locale.ROOT)
                    .getBytes(StandardCharsets.US_ASCII);
            return MessageDigest.isEqual(expected, given);
        }
        return false;
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

    private static void reply(HttpExchange ex, int code, String text) throws IOException {
        byte[] bytes = (text + "\n").getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
