package io.infrakit.store.etcd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.infrakit.store.StoreConfig;
import io.infrakit.store.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocketFactory;

/**
 * Requests to etcd's JSON gateway (the grpc-gateway etcd serves on its client port: {@code POST /v3/kv/range} and
 * so on, keys and values in base64, 64-bit numbers as strings) over the JDK's {@link HttpURLConnection}, which keeps
 * connections between requests. Every request has the store's deadline; endpoints are tried in turn; a request
 * that is safe to repeat is sent again, to the next endpoint, while the deadline allows. Errors read as
 * {@link Calls}' do for jetcd.
 *
 * <p>{@link HttpURLConnection} rather than {@code java.net.http.HttpClient}: for a command that makes two requests
 * and exits, the client's own start (its selector thread and the classes of its HTTP/2 stack) cost about 300 ms on
 * this project's machines, the older client's about 80 ms (see docs/benchmarks.md).
 */
final class GatewayCalls {

    /** gRPC status codes, as the gateway reports them. */
    static final int NOT_FOUND = 5;
    static final int DEADLINE_EXCEEDED = 4;
    static final int PERMISSION_DENIED = 7;
    static final int FAILED_PRECONDITION = 9;
    static final int OUT_OF_RANGE = 11;
    static final int UNAVAILABLE = 14;
    static final int UNAUTHENTICATED = 16;

    private static final long RETRY_PAUSE_MS = 50;
    static final ObjectMapper JSON = new ObjectMapper();

    private final StoreConfig config;
    private final String endpoints;
    private final Supplier<String> diagnosis;
    private final SSLSocketFactory tls;
    private volatile int preferred;
    private volatile String token;

    /**
     * @param diagnosis says what is wrong on the wire when no endpoint answers, or null when it cannot tell
     * @throws StoreException when the TLS files cannot be used
     */
    GatewayCalls(StoreConfig config, Supplier<String> diagnosis) {
        this.config = config;
        this.endpoints = String.join(",", config.endpoints());
        this.diagnosis = diagnosis;
        if (config.tls()) {
            try {
                this.tls = new TlsFiles(config).context().getSocketFactory();
            } catch (GeneralSecurityException | IOException e) {
                throw new StoreException("cannot set up TLS for etcd at " + config.endpoints() + ": "
                        + e.getMessage(), e);
            }
        } else {
            this.tls = null;
        }
    }

    Duration timeout() {
        return config.requestTimeout();
    }

    /** An error etcd answered with: its gRPC status code and message. */
    static final class Refused extends StoreException {
        final int code;

        Refused(String message, int code) {
            super(message);
            this.code = code;
        }
    }

    /**
     * POSTs {@code body} to {@code path} and returns etcd's answer.
     *
     * @param repeatable whether the request leaves the same state however often it is applied (reads, plain puts
     *                   and deletes): then it is sent again after a failure; a transaction is sent again only when it
     *                   certainly did not reach etcd
     */
    JsonNode call(String path, ObjectNode body, String what, boolean repeatable) {
        long deadline = System.nanoTime() + config.requestTimeout().toNanos();
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        boolean reauthenticated = false;
        Throwable last = null;
        while (true) {
            List<String> all = config.endpoints();
            int start = preferred;
            for (int i = 0; i < all.size(); i++) {
                int index = (start + i) % all.size();
                String endpoint = all.get(index);
                try {
                    JsonNode answer = post(endpoint, path, bytes, deadline, true);
                    preferred = index;
                    return answer;
                } catch (NotSent e) {
                    last = e.getCause();
                } catch (Refused e) {
                    if (e.code == UNAUTHENTICATED && token != null && !reauthenticated) {
                        token = null; // expired (etcd forgets a token after a few idle minutes): ask again
                        reauthenticated = true;
                        i--;
                        continue;
                    }
                    boolean retryable = e.code == UNAVAILABLE || e.code == DEADLINE_EXCEEDED;
                    if (!retryable || !repeatable) {
                        throw failure(e, what);
                    }
                    last = e;
                } catch (IOException e) {
                    if (e instanceof SocketTimeoutException) {
                        throw unreachable(e);
                    }
                    if (!repeatable) {
                        throw new StoreException("etcd at " + endpoints + " failed " + what + ": " + e, e);
                    }
                    last = e;
                }
            }
            if (deadline - System.nanoTime() < TimeUnit.MILLISECONDS.toNanos(RETRY_PAUSE_MS * 2)) {
                throw last instanceof Refused r ? failure(r, what) : unreachable(last);
            }
            AbstractEtcdStore.pause(RETRY_PAUSE_MS, "interrupted while waiting for etcd at " + endpoints + " ("
                    + what + ")");
        }
    }

    /**
     * etcd does not serve this client through its gateway: with client certificates required and etcd's users
     * enabled, it refuses a certificate that names someone (a common name), since the gateway could not pass that
     * identity on; or its gateway cannot reach etcd's own gRPC server. jetcd, speaking gRPC, is served.
     */
    static final class GatewayRefused extends StoreException {
        GatewayRefused(String message) {
            super(message);
        }
    }

    /** The connection failed before the request was sent: safe to send it elsewhere. */
    private static final class NotSent extends Exception {
        NotSent(IOException cause) {
            super(cause);
        }
    }

    private JsonNode post(String endpoint, String path, byte[] body, long deadline, boolean authenticate)
            throws IOException, NotSent {
        HttpURLConnection c = open(endpoint, path, deadline, authenticate);
        c.setFixedLengthStreamingMode(body.length); // also keeps the JDK from silently sending a POST twice
        try {
            c.connect();
        } catch (ConnectException | NoRouteToHostException | UnknownHostException | SSLException e) {
            throw new NotSent(e);
        } catch (SocketTimeoutException e) {
            throw new NotSent(e);
        }
        try (OutputStream out = c.getOutputStream()) {
            out.write(body);
        }
        int status = c.getResponseCode();
        if (status == HttpURLConnection.HTTP_OK) {
            try (InputStream in = c.getInputStream()) {
                return JSON.readTree(in);
            }
        }
        throw refused(c, status);
    }

    /** A connection for one request, with the token of etcd's authentication when a user is configured. */
    private HttpURLConnection open(String endpoint, String path, long deadline, boolean authenticate)
            throws IOException, NotSent {
        long remaining = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        String auth = null;
        if (authenticate && config.user() != null) {
            auth = token(endpoint, deadline);
        }
        HttpURLConnection c = (HttpURLConnection) new URL(endpoint + path).openConnection();
        if (c instanceof HttpsURLConnection https) {
            https.setSSLSocketFactory(tls);
        }
        c.setConnectTimeout((int) Math.min(remaining, config.connectTimeout().toMillis()));
        c.setReadTimeout((int) Math.min(Integer.MAX_VALUE, remaining));
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        c.setRequestProperty("Content-Type", "application/json");
        if (auth != null) {
            c.setRequestProperty("Authorization", auth);
        }
        return c;
    }

    /** The token of etcd's authentication, asked for once and again when etcd forgot it. */
    private String token(String endpoint, long deadline) throws IOException, NotSent {
        String t = token;
        if (t != null) {
            return t;
        }
        ObjectNode body = JSON.createObjectNode().put("name", config.user()).put("password", config.password());
        try {
            JsonNode answer = post(endpoint, "/v3/auth/authenticate", body.toString()
                    .getBytes(StandardCharsets.UTF_8), deadline, false);
            t = answer.path("token").asText("");
        } catch (Refused e) {
            throw new Refused("etcd at " + endpoints + " refused authenticate: authentication failed or not "
                    + "allowed (check user and password): " + e.getMessage(), PERMISSION_DENIED);
        }
        token = t;
        return t;
    }

    /** etcd's answer to a failed request: its message and gRPC code. */
    private static Refused refused(HttpURLConnection c, int status) throws IOException {
        JsonNode error = null;
        try (InputStream in = c.getErrorStream()) {
            if (in != null) {
                byte[] bytes = in.readAllBytes();
                try {
                    error = JSON.readTree(bytes);
                } catch (IOException e) {
                    String text = new String(bytes, StandardCharsets.UTF_8).strip();
                    if (text.contains("CommonName of client sending a request against gateway")) {
                        throw new GatewayRefused("etcd at " + c.getURL().getProtocol() + "://"
                                + c.getURL().getAuthority() + " does not serve this client certificate through its "
                                + "HTTP gateway: " + text);
                    }
                    return new Refused("HTTP " + status + ": " + text,
                            status >= 500 ? UNAVAILABLE : FAILED_PRECONDITION);
                }
            }
        }
        if (error == null || !error.isObject()) {
            return new Refused("HTTP " + status, status >= 500 ? UNAVAILABLE : FAILED_PRECONDITION);
        }
        String message = error.path("message").asText(error.path("error").asText("HTTP " + status));
        int code = error.path("code").asInt(UNAVAILABLE);
        if (code == UNAVAILABLE && !message.startsWith("etcdserver:")) {
            // Not etcd's own words ("connection error: ...", "connection closed"): the gateway's connection to
            // etcd's gRPC server in the same process failed. A TLS etcd whose server certificate lacks the
            // clientAuth usage fails so every time.
            throw new GatewayRefused("etcd at " + c.getURL().getProtocol() + "://" + c.getURL().getAuthority()
                    + " cannot serve its HTTP gateway (the gateway fails to connect to etcd's gRPC server, as it does"
                    + " where the server certificate lacks the clientAuth usage): " + message);
        }
        return new Refused(message, code);
    }

    /** A request that did not reach any endpoint in time: with what is wrong on the wire when that can be told. */
    StoreException unreachable(Throwable cause) {
        String why = diagnosis.get();
        return new StoreException("etcd unreachable at " + endpoints
                + (why != null ? ": " + why : " (timed out after " + Calls.format(config.requestTimeout()) + ")"),
                cause);
    }

    /** The StoreException for an error etcd answered with, naming the endpoints. */
    StoreException failure(Refused e, String what) {
        if (e.getMessage().startsWith("etcd at ")) {
            return e; // already in the user's words (authentication)
        }
        return switch (e.code) {
            case DEADLINE_EXCEEDED -> unreachable(e);
            case UNAUTHENTICATED, PERMISSION_DENIED -> new Refused("etcd at " + endpoints + " refused " + what
                    + ": authentication failed or not allowed (check user and password): " + e.getMessage(), e.code);
            case UNAVAILABLE -> new Refused("etcd unreachable at " + endpoints + ": " + e.getMessage(), e.code);
            default -> new Refused("etcd at " + endpoints + " failed " + what + ": " + e.getMessage(), e.code);
        };
    }

    /**
     * Opens a streaming request (a watch) on the first endpoint that takes it; the caller reads the answer as it
     * comes, each read waiting at most {@code readMillis}, and disconnects to stop it. Waiting for etcd's first
     * answer takes as many reads as the request timeout allows.
     *
     * @throws StoreException when no endpoint takes it, or etcd refuses it
     */
    HttpURLConnection stream(String path, ObjectNode body, String what, int readMillis) {
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        long deadline = System.nanoTime() + config.requestTimeout().toNanos();
        Throwable last = null;
        List<String> all = config.endpoints();
        int start = preferred;
        for (int i = 0; i < all.size(); i++) {
            String endpoint = all.get((start + i) % all.size());
            while (true) {
                try {
                    HttpURLConnection c = open(endpoint, path, deadline, true);
                    c.setReadTimeout(readMillis); // the socket keeps it: a stream cannot be given another later
                    c.setChunkedStreamingMode(0);
                    // Refuse to wait on a member cut off from its cluster, as jetcd's watches do.
                    c.setRequestProperty("Grpc-Metadata-hasleader", "true");
                    c.connect();
                    try (OutputStream out = c.getOutputStream()) {
                        out.write(bytes);
                    }
                    int status = c.getResponseCode();
                    if (status != HttpURLConnection.HTTP_OK) {
                        throw failure(refused(c, status), what);
                    }
                    return c;
                } catch (NotSent e) {
                    last = e.getCause();
                    break;
                } catch (SocketTimeoutException e) {
                    last = e; // etcd is slow to answer: ask again while the deadline allows
                    if (System.nanoTime() > deadline) {
                        break;
                    }
                } catch (IOException e) {
                    last = e;
                    break;
                }
            }
        }
        throw last instanceof SocketTimeoutException || last instanceof ConnectException ? unreachable(last)
                : new StoreException("etcd at " + endpoints + " failed " + what + ": " + last, last);
    }
}
