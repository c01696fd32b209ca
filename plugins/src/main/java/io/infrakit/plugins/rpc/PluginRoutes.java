package io.infrakit.plugins.rpc;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * What a plugin socket answers over HTTP, as InfraKit's server (gorilla mux + gorilla/rpc) does: JSON-RPC on
 * {@code POST /}, the plugin's description on {@code /info/api.json}, template functions (none here) on
 * {@code /info/functions.json}, 404 elsewhere.
 */
final class PluginRoutes {

    static final String API_PATH = "/info/api.json";
    static final String FUNCTIONS_PATH = "/info/functions.json";

    private static final HttpHeaders JSON = HttpHeaders.of(
            "Content-Type", "application/json; charset=utf-8", "X-Content-Type-Options", "nosniff");
    private static final HttpHeaders TEXT = HttpHeaders.of(
            "Content-Type", "text/plain; charset=utf-8", "X-Content-Type-Options", "nosniff");

    private final RpcDispatcher dispatcher;
    private final byte[] apiInfo;

    PluginRoutes(RpcDispatcher dispatcher, byte[] apiInfo) {
        this.dispatcher = dispatcher;
        this.apiInfo = apiInfo.clone();
    }

    HttpMessages.Response handle(HttpMessages.RequestHead head, byte[] body) {
        String path = head.path();
        if (path.equals("/")) {
            return rpc(head, body);
        }
        if (path.equals(API_PATH)) {
            return new HttpMessages.Response(200, JSON, apiInfo);
        }
        if (path.equals(FUNCTIONS_PATH)) {
            return new HttpMessages.Response(200, JSON, "{}".getBytes(StandardCharsets.UTF_8));
        }
        return text(404, "404 page not found\n");
    }

    private HttpMessages.Response rpc(HttpMessages.RequestHead head, byte[] body) {
        if (!head.method().equals("POST")) {
            return text(405, "rpc: POST method required, received " + head.method());
        }
        String contentType = head.headers().get("Content-Type");
        String mediaType = contentType == null ? "" : contentType.split(";", 2)[0].trim();
        if (!mediaType.isEmpty() && !mediaType.toLowerCase(Locale.ROOT).equals("application/json")) {
            return text(415, "rpc: unrecognized Content-Type: " + mediaType);
        }
        byte[] answer = dispatcher.dispatch(body);
        if (answer == null) {
            return new HttpMessages.Response(200, HttpHeaders.of("X-Content-Type-Options", "nosniff"), null);
        }
        return new HttpMessages.Response(200, JSON, answer);
    }

    static HttpMessages.Response text(int status, String message) {
        return new HttpMessages.Response(status, TEXT, message.getBytes(StandardCharsets.UTF_8));
    }
}
