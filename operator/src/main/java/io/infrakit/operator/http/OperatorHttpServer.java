package io.infrakit.operator.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /metrics}, {@code /healthz} and {@code /readyz} on the JDK's HTTP server. Checks answer 200 with a line
 * per check when all pass, else 503 naming what failed, as Kubernetes components do. GET and HEAD only.
 */
public final class OperatorHttpServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OperatorHttpServer.class);
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService executor;

    private OperatorHttpServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Starts serving.
     *
     * @param metrics the Prometheus text of the metrics, or null to serve none
     * @throws IOException when the address cannot be bound (in use, not local)
     */
    public static OperatorHttpServer start(HttpAddress address, Supplier<String> metrics, List<Check> health,
                                           List<Check> ready) throws IOException {
        HttpServer server = HttpServer.create(address.socketAddress(), 16);
        // A few threads: a slow etcd probe must not hold up a scrape.
        AtomicInteger n = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "infrakit-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        if (metrics != null) {
            server.createContext("/metrics", ex -> respond(ex, 200, PROMETHEUS_TEXT, metrics.get()));
        }
        server.createContext("/healthz", ex -> checks(ex, "healthz", health));
        server.createContext("/readyz", ex -> checks(ex, "readyz", ready));
        server.createContext("/", ex -> respond(ex, 404, "text/plain; charset=utf-8",
                "not found: try /metrics, /healthz or /readyz\n"));
        server.start();
        OperatorHttpServer s = new OperatorHttpServer(server, executor);
        log.info("serving /metrics, /healthz and /readyz at http://{}", s.address());
        return s;
    }

    /** The bound address (the real port when started on port 0). */
    public HttpAddress address() {
        InetSocketAddress a = server.getAddress();
        return new HttpAddress(a.getAddress().getHostAddress(), a.getPort());
    }

    private static void checks(HttpExchange ex, String what, List<Check> checks) throws IOException {
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
        respond(ex, ok ? 200 : 503, "text/plain; charset=utf-8", body.toString());
    }

    private static void respond(HttpExchange ex, int status, String contentType, String body) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            if (!"GET".equals(method) && !"HEAD".equals(method)) {
                ex.getResponseHeaders().set("Allow", "GET, HEAD");
                ex.sendResponseHeaders(405, -1);
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", contentType);
            ex.getResponseHeaders().set("Cache-Control", "no-store");
            if ("HEAD".equals(method)) {
                ex.sendResponseHeaders(status, -1);
                return;
            }
            ex.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
