package io.infrakit.operator.dashboard;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.infrakit.plugins.http.ThrottledWarning;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may do what on the dashboard. Reading needs nothing (as {@code /metrics}): the endpoint is on loopback unless
 * told otherwise. An action needs:
 * <ul>
 *   <li>the dashboard not read-only, and a token file;</li>
 *   <li>{@code Authorization: Bearer TOKEN} with a token of that file: a header, never a cookie, so a page of
 *       another site cannot make the browser send it;</li>
 *   <li>a same-origin request: {@code Sec-Fetch-Site} (when the browser sends it) says {@code same-origin}, an
 *       {@code Origin} (when sent) is this server's, and the body is {@code application/json} (which a cross-site
 *       form cannot send without a preflight, and preflights are not answered).</li>
 * </ul>
 * On a loopback address every request must also name a loopback host ({@code Host}): a site whose name was made
 * to resolve to 127.0.0.1 (DNS rebinding) is refused, for reads too.
 */
final class AccessControl {

    private static final Logger log = LoggerFactory.getLogger(AccessControl.class);

    /** An action refused: the HTTP status and why. */
    static final class Denied extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;

        Denied(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private final TokenFile tokens;
    private final boolean readOnly;
    private final boolean loopback;
    private final ThrottledWarning badTokens = new ThrottledWarning(log, Duration.ofMinutes(1),
            n -> "dashboard: " + n + " request(s) with a token that is not in the token file");

    /**
     * @param tokens   null: no actions at all
     * @param loopback whether the server listens on a loopback address only
     */
    AccessControl(TokenFile tokens, boolean readOnly, boolean loopback) {
        this.tokens = tokens;
        this.readOnly = readOnly;
        this.loopback = loopback;
    }

    /** What the page says about actions. */
    ObjectNode describe() {
        ObjectNode out = JsonNodeFactory.instance.objectNode().put("ReadOnly", readOnly)
                .put("Actions", tokens != null && !readOnly);
        if (readOnly) {
            out.put("Reason", "this replica's dashboard is read-only (--dashboard-read-only)");
        } else if (tokens == null) {
            out.put("Reason", "no token file: start infrakit up with --dashboard-token-file to allow actions");
        }
        return out;
    }

    /** Null when the request may be served at all, else why not (a foreign Host on a loopback server). */
    String hostProblem(Request request) {
        if (!loopback) {
            return null;
        }
        String host = Request.getServerName(request);
        return isLoopbackName(host) ? null : "this dashboard answers only to loopback names (localhost, 127.0.0.1,"
                + " [::1]), not to '" + host + "'";
    }

    /**
     * Who asks for an action, once every rule holds.
     *
     * @throws Denied naming the rule that refused it
     */
    String authorize(Request request) throws Denied {
        if (readOnly || tokens == null) {
            throw new Denied(403, describe().path("Reason").asText());
        }
        String site = request.getHeaders().get("Sec-Fetch-Site");
        if (site != null && !site.equals("same-origin")) {
            throw new Denied(403, "cross-site request refused (Sec-Fetch-Site: " + site + ")");
        }
        String origin = request.getHeaders().get(HttpHeader.ORIGIN);
        if (origin != null && !sameOrigin(origin, request)) {
            throw new Denied(403, "cross-site request refused (Origin: " + origin + ")");
        }
        String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw new Denied(415, "actions take a JSON body (Content-Type: application/json)");
        }
        return user(request);
    }

    /**
     * The user whose token the request carries.
     *
     * @throws Denied 401 without a token, or with one the file does not hold
     */
    String user(Request request) throws Denied {
        if (tokens == null) {
            throw new Denied(403, describe().path("Reason").asText());
        }
        String auth = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new Denied(401, "this action needs the dashboard token (Authorization: Bearer TOKEN)");
        }
        String user = tokens.user(auth.substring(7).strip());
        if (user == null) {
            badTokens.record();
            throw new Denied(401, "the token is not one of " + tokens.path() + "'s");
        }
        return user;
    }

    private static boolean sameOrigin(String origin, Request request) {
        try {
            URI o = URI.create(origin);
            String scheme = request.isSecure() ? "https" : "http";
            int port = o.getPort() != -1 ? o.getPort() : "https".equals(o.getScheme()) ? 443 : 80;
            return scheme.equalsIgnoreCase(o.getScheme()) && o.getHost() != null
                    && stripBrackets(o.getHost()).equalsIgnoreCase(stripBrackets(Request.getServerName(request)))
                    && port == Request.getServerPort(request);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static boolean isLoopbackName(String host) {
        String h = stripBrackets(host == null ? "" : host.toLowerCase(Locale.ROOT));
        if (h.equals("localhost") || h.endsWith(".localhost")) {
            return true;
        }
        if (!h.matches("[0-9.]+") && !(h.contains(":") && h.matches("[0-9a-f:.]+"))) {
            return false; // a name: only localhost is known to be local without asking DNS
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress(); // a literal: no lookup
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    private static String stripBrackets(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }
}
