package io.infrakit.operator.http;

import io.infrakit.plugins.http.Answers;
import io.infrakit.plugins.http.GuardedServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.ThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's one HTTP server ({@code --http}), on Jetty: handlers mounted by path ({@code /metrics},
 * {@code /healthz}, {@code /readyz}, and whatever is added later, such as a dashboard that streams server-sent
 * events). A slow or half-sent request holds no thread (Jetty parks it on the selector), its head must arrive within
 * {@link #REQUEST_TIMEOUT}, and idle connections make room for new ones, so probes are answered while an attacker
 * holds connections open.
 *
 * <pre>{@code
 * OperatorHttpServer.builder(address).checks("/healthz", "healthz", health).mount("/dashboard", handler).start();
 * }</pre>
 */
public final class OperatorHttpServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OperatorHttpServer.class);
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    /** How long a client may take to send a request head: a probe's is a few dozen bytes. */
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /**
     * How long a connection may carry nothing. A streaming handler (server-sent events) writes a comment line more
     * often than this, or its stream is closed as idle.
     */
    public static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);
    /** Connections open at once; past it the one idle the longest is closed (see ConnectionGuard). */
    public static final int MAX_CONNECTIONS = 128;

    private final GuardedServer server;
    private final HttpAddress address;

    private OperatorHttpServer(GuardedServer server, HttpAddress address) {
        this.server = server;
        this.address = address;
    }

    public static Builder builder(HttpAddress address) {
        return new Builder(address);
    }

    /** The bound address (the real port when started on port 0). */
    public HttpAddress address() {
        return address;
    }

    @Override
    public void close() {
        server.close();
    }

    /** The handlers to mount, by path, and the threads to serve them with. */
    public static final class Builder {
        private final HttpAddress address;
        private final Map<String, Handler> mounts = new LinkedHashMap<>();
        private ThreadPool threads;
        private Duration requestTimeout = REQUEST_TIMEOUT;
        private Duration idleTimeout = IDLE_TIMEOUT;
        private String home;

        private Builder(HttpAddress address) {
            this.address = Objects.requireNonNull(address, "address");
        }

        /**
         * Serves {@code contextPath} and everything below it with a Jetty handler, which may answer at once or
         * stream (it sees paths relative to the context, {@code Request.getPathInContext}).
         */
        public Builder mount(String contextPath, Handler handler) {
            if (!contextPath.startsWith("/") || contextPath.length() < 2 || contextPath.endsWith("/")) {
                throw new IllegalArgumentException("a context path is /NAME, not " + contextPath);
            }
            if (mounts.putIfAbsent(contextPath, Objects.requireNonNull(handler, "handler")) != null) {
                throw new IllegalArgumentException(contextPath + " is mounted already");
            }
            return this;
        }

        /** A text document made on each GET (or HEAD). */
        public Builder page(String path, String contentType, Supplier<String> body) {
            return mount(path, new Page(() -> new Answer(200, contentType, body.get())));
        }

        /**
         * Named checks: 200 with a line per check when all pass, else 503 naming what failed, as Kubernetes
         * components answer; {@code what} names the verdict line ({@code healthz check passed}).
         */
        public Builder checks(String path, String what, List<Check> checks) {
            List<Check> copy = List.copyOf(checks);
            return mount(path, new Page(() -> verdict(what, copy)));
        }

        /** How long a connection may carry nothing (default {@link #IDLE_TIMEOUT}). */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** Where a request for {@code /} itself is sent (a redirect), instead of a 404 listing the paths. */
        public Builder home(String path) {
            this.home = Objects.requireNonNull(path, "path");
            return this;
        }

        /** A pool shared with the process's other servers (default: the server's own small pool). */
        public Builder threads(ThreadPool pool) {
            this.threads = pool;
            return this;
        }

        /** How long a client may take to send a request head (default {@link #REQUEST_TIMEOUT}). */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * @throws IOException when the address cannot be bound (in use, not local)
         */
        public OperatorHttpServer start() throws IOException {
            ContextHandlerCollection contexts = new ContextHandlerCollection();
            for (Map.Entry<String, Handler> m : mounts.entrySet()) {
                ContextHandler context = new ContextHandler(m.getValue(), m.getKey());
                context.setAllowNullPathInContext(true); // "/healthz" itself, not only "/healthz/"
                contexts.addHandler(context);
            }
            String paths = String.join(", ", mounts.keySet());
            List<String> known = new ArrayList<>(mounts.keySet());
            Page notFound = new Page(() -> new Answer(404, Answers.TEXT, "not found: try " + String.join(", ", known)
                    + "\n"));
            String to = home;
            ContextHandler fallback = new ContextHandler(to == null ? notFound : new Handler.Wrapper(notFound) {
                @Override
                public boolean handle(Request request, Response response, Callback callback) throws Exception {
                    if (!Request.getPathInContext(request).equals("/")) {
                        return super.handle(request, response, callback);
                    }
                    response.getHeaders().put(HttpHeader.LOCATION, to);
                    Answers.send(response, callback, 302, null, new byte[0]);
                    return true;
                }
            }, "/");
            contexts.addHandler(fallback);
            GuardedServer server = GuardedServer.builder("infrakit-http").tcp(address.socketAddress())
                    .describedAs("http://" + address).threads(threads).handler(contexts)
                    .maxConnections(MAX_CONNECTIONS).idleTimeout(idleTimeout).requestTimeout(requestTimeout)
                    .stopTimeout(Duration.ofSeconds(1)).start();
            HttpAddress bound = new HttpAddress(address.host(), server.port());
            log.info("serving {} at http://{}", paths, bound);
            return new OperatorHttpServer(server, bound);
        }
    }

    /** An answer made in memory. */
    record Answer(int status, String contentType, String body) {
    }

    /** GET and HEAD of an answer made in memory, never cached. */
    static final class Page extends Handler.Abstract {
        private final Supplier<Answer> maker;

        Page(Supplier<Answer> maker) {
            this.maker = maker;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            String method = request.getMethod();
            if (!"GET".equals(method) && !"HEAD".equals(method)) {
                response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
                Answers.send(response, callback, 405, null, new byte[0]);
                return true;
            }
            Answer answer = maker.get();
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
            Answers.send(response, callback, answer.status(), answer.contentType(),
                    answer.body().getBytes(StandardCharsets.UTF_8));
            return true;
        }
    }

    private static Answer verdict(String what, List<Check> checks) {
        StringBuilder body = new StringBuilder();
        boolean ok = true;
        for (Check c : checks) {
            String problem;
            try {
                problem = c.problem().get();
            } catch (RuntimeException e) {
                problem = e.toString();
            }
            if (problem == null) {
                body.append("[+]").append(c.name()).append(" ok\n");
            } else {
                ok = false;
                body.append("[-]").append(c.name()).append(" failed: ").append(problem.replace('\n', ' '))
                        .append('\n');
            }
        }
        body.append(what).append(ok ? " check passed\n" : " check failed\n");
        return new Answer(ok ? 200 : 503, Answers.TEXT, body.toString());
    }
}
