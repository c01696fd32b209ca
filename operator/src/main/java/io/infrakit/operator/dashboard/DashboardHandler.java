package io.infrakit.operator.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.infrakit.operator.group.SpecValidator;
import io.infrakit.operator.write.Author;
import io.infrakit.operator.write.WriteException;
import io.infrakit.plugins.http.Answers;
import io.infrakit.plugins.http.RequestBodies;
import io.infrakit.plugins.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard's HTTP routes, below its context path:
 * <pre>
 *   GET  /                             the page (index.html, app.js, app.css from the jar; no build step)
 *   GET  /api/overview                 everything the list shows (what a stream starts with)
 *   GET  /api/stream[?group=ID]        server-sent events: snapshot, rows, group, event, replicas, connection
 *   GET  /api/groups/ID                a group's page; /instances its instances; /events its recent events;
 *                                      /diff?from=R&amp;to=R|current
 *   GET  /api/session                  what actions are allowed, and whose the token is
 *   POST /api/groups/ID/ACTION         pause, resume, rollback, free, destroy ({"Confirm": ID})
 *   POST /api/commit                   {"Spec": ..., "Pretend": bool, "BasedOn": revision}
 * </pre>
 * Every answer forbids framing and sniffing; the page may load scripts and styles from this server only.
 */
final class DashboardHandler extends Handler.Abstract {

    private static final Logger log = LoggerFactory.getLogger(DashboardHandler.class);
    static final String JSON = "application/json; charset=utf-8";
    private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    /** A spec at its largest, as JSON text inside the request's JSON. */
    private static final int MAX_BODY = 2 * SpecValidator.MAX_SPEC_BYTES + 4096;
    private static final Duration BODY_TIMEOUT = Duration.ofSeconds(10);
    private static final Map<String, String> ASSETS = Map.of("/", "index.html", "/assets/app.js", "app.js",
            "/assets/app.css", "app.css", "/assets/icon.svg", "icon.svg");

    private final GroupDocuments groups;
    private final GroupInstances instances;
    private final LiveUpdates live;
    private final AccessControl access;
    private final DashboardActions actions;
    private final Map<String, byte[]> assets;

    DashboardHandler(GroupDocuments groups, GroupInstances instances, LiveUpdates live, AccessControl access,
                     DashboardActions actions) {
        this.groups = groups;
        this.instances = instances;
        this.live = live;
        this.access = access;
        this.actions = actions;
        this.assets = ASSETS.values().stream().collect(java.util.stream.Collectors.toUnmodifiableMap(n -> n,
                DashboardHandler::asset));
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        String method = request.getMethod();
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        response.getHeaders().put("X-Frame-Options", "DENY");
        response.getHeaders().put("Referrer-Policy", "no-referrer");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        String hostProblem = access.hostProblem(request);
        if (hostProblem != null) {
            error(response, callback, 403, hostProblem);
            return true;
        }
        if (path.isEmpty()) {
            response.getHeaders().put(HttpHeader.LOCATION, Request.getContextPath(request) + "/");
            Answers.send(response, callback, 302, null, new byte[0]);
            return true;
        }
        if ("POST".equals(method) && path.startsWith("/api/")) {
            post(request, response, callback, path);
            return true;
        }
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            response.getHeaders().put(HttpHeader.ALLOW, path.startsWith("/api/") ? "GET, HEAD, POST" : "GET, HEAD");
            error(response, callback, 405, method + " is not served here");
            return true;
        }
        String asset = ASSETS.get(path);
        if (asset != null) {
            String type = asset.endsWith(".html") ? "text/html; charset=utf-8"
                    : asset.endsWith(".js") ? "text/javascript; charset=utf-8"
                    : asset.endsWith(".css") ? "text/css; charset=utf-8" : "image/svg+xml";
            response.getHeaders().put("Content-Security-Policy", CSP);
            Answers.send(response, callback, 200, type, assets.get(asset));
            return true;
        }
        get(request, response, callback, path);
        return true;
    }

    private void get(Request request, Response response, Callback callback, String path) {
        Fields query = Request.extractQueryParameters(request);
        if (path.equals("/api/overview")) {
            json(response, callback, 200, live.snapshot(null));
        } else if (path.equals("/api/stream")) {
            stream(request, response, callback, query.getValue("group"));
        } else if (path.equals("/api/session")) {
            ObjectNode out = access.describe();
            if (request.getHeaders().get(HttpHeader.AUTHORIZATION) != null) {
                try {
                    out.put("User", access.user(request));
                } catch (AccessControl.Denied e) {
                    error(response, callback, e.status, e.getMessage());
                    return;
                }
            }
            json(response, callback, 200, out);
        } else if (path.startsWith("/api/groups/")) {
            String[] parts = path.substring("/api/groups/".length()).split("/", -1);
            String id = parts[0];
            ObjectNode doc = parts.length == 1 ? groups.group(id)
                    : parts.length == 2 && parts[1].equals("instances") ? instances.describe(id)
                    : parts.length == 2 && parts[1].equals("events") ? groups.events(id)
                    : parts.length == 2 && parts[1].equals("diff") ? groups.diff(id, query.getValue("from"),
                    query.getValue("to")) : null;
            if (doc == null) {
                error(response, callback, 404, parts.length == 2 && parts[1].equals("diff")
                        ? "no recorded spec of " + id + " at those revisions" : "no group " + id);
            } else {
                json(response, callback, 200, doc);
            }
        } else {
            error(response, callback, 404, "not found: " + path);
        }
    }

    private void stream(Request request, Response response, Callback callback, String group) {
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        response.getHeaders().put("X-Accel-Buffering", "no"); // a proxy in front must not hold events back
        EventStream stream = new EventStream(response, callback, group == null || group.isEmpty() ? null : group,
                live::closed);
        request.addFailureListener(stream::finish); // the client went away
        stream.retry(Duration.ofSeconds(1));
        live.open(stream);
    }

    private void post(Request request, Response response, Callback callback, String path) {
        String user;
        try {
            user = access.authorize(request);
        } catch (AccessControl.Denied e) {
            log.info("dashboard: refused {} {} from {}: {}", request.getMethod(), path, Request.getRemoteAddr(request),
                    e.getMessage());
            error(response, callback, e.status, e.getMessage());
            return;
        }
        String[] parts = path.startsWith("/api/groups/") ? path.substring("/api/groups/".length()).split("/", -1)
                : new String[0];
        boolean commit = path.equals("/api/commit");
        if (!commit && (parts.length != 2 || !DashboardActions.GROUP_ACTIONS.contains(parts[1]))) {
            error(response, callback, 404, "no such action: " + path);
            return;
        }
        String remote = Request.getRemoteAddr(request);
        RequestBodies.read(request, MAX_BODY, BODY_TIMEOUT).whenComplete((bytes, failure) -> {
            if (failure != null) {
                error(response, callback, failure instanceof RequestBodies.TooLarge ? 413 : 400,
                        "could not read the request: " + failure.getMessage());
                return;
            }
            String what = commit ? "commit" : parts[1] + " " + parts[0];
            Author who = Author.dashboard(user);
            try {
                JsonNode body = bytes.length == 0 ? JsonNodeFactory.instance.objectNode() : Json.parse(bytes);
                ObjectNode out = commit ? actions.commit(body, who) : actions.run(parts[1], parts[0], body, who);
                log.info("dashboard: {} from {} asked to {}: {}", user, remote, what, out.path("Message").asText());
                json(response, callback, 200, out);
            } catch (WriteException e) {
                log.info("dashboard: {} from {} asked to {}: refused: {}", user, remote, what, e.getMessage());
                error(response, callback, DashboardActions.status(e), e.getMessage());
            } catch (DashboardActions.BadRequest | IllegalArgumentException e) {
                log.info("dashboard: {} from {} asked to {}: refused: {}", user, remote, what, e.getMessage());
                error(response, callback, 400, e.getMessage());
            } catch (RuntimeException e) {
                log.warn("dashboard: {} from {} asked to {}: failed: {}", user, remote, what, e.toString());
                error(response, callback, 503, e.getMessage() == null ? e.toString() : e.getMessage());
            }
        });
    }

    static void json(Response response, Callback callback, int status, JsonNode body) {
        Answers.send(response, callback, status, JSON, Json.write(body).getBytes(StandardCharsets.UTF_8));
    }

    private static void error(Response response, Callback callback, int status, String message) {
        if (status == 401) {
            response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer realm=\"infrakit\"");
        }
        json(response, callback, status, JsonNodeFactory.instance.objectNode().put("Error", message));
    }

    private static byte[] asset(String name) {
        try (InputStream in = DashboardHandler.class.getResourceAsStream("assets/" + name)) {
            if (in == null) {
                throw new IllegalStateException("the dashboard's " + name + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
