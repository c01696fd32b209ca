package io.infrakit.plugins.rpc;

import io.infrakit.plugins.http.Answers;
import io.infrakit.plugins.http.RequestBodies;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a plugin socket answers over HTTP, as InfraKit's server (gorilla mux + gorilla/rpc) does: JSON-RPC on
 * {@code POST /}, the plugin's description on {@code /info/api.json}, template functions (none here) on
 * {@code /info/functions.json}, 404 elsewhere. Answers are JSON with Go's bytes ({@link RpcDispatcher}); errors
 * about the HTTP itself are one line of text, as Go's {@code http.Error} writes them.
 */
final class PluginRoutes extends Handler.Abstract {

    private static final Logger LOG = LoggerFactory.getLogger(PluginRoutes.class);

    static final String API_PATH = "/info/api.json";
    static final String FUNCTIONS_PATH = "/info/functions.json";

    private static final String JSON = "application/json; charset=utf-8";
    private static final byte[] NO_FUNCTIONS = "{}".getBytes(StandardCharsets.UTF_8);

    private final RpcDispatcher dispatcher;
    private final byte[] apiInfo;
    private final int maxBody;
    private final Duration bodyTimeout;

    PluginRoutes(RpcDispatcher dispatcher, byte[] apiInfo, int maxBody, Duration bodyTimeout) {
        this.dispatcher = dispatcher;
        this.apiInfo = apiInfo.clone();
        this.maxBody = maxBody;
        this.bodyTimeout = bodyTimeout;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = request.getHttpURI().getPath();
        if ("/".equals(path)) {
            rpc(request, response, callback);
        } else if (API_PATH.equals(path)) {
            answer(response, callback, 200, JSON, apiInfo);
        } else if (FUNCTIONS_PATH.equals(path)) {
            answer(response, callback, 200, JSON, NO_FUNCTIONS);
        } else {
            text(response, callback, 404, "404 page not found\n");
        }
        return true;
    }

    private void rpc(Request request, Response response, Callback callback) {
        if (!"POST".equals(request.getMethod())) {
            text(response, callback, 405, "rpc: POST method required, received " + request.getMethod());
            return;
        }
        String contentType = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        String mediaType = contentType == null ? "" : contentType.split(";", 2)[0].trim();
        if (!mediaType.isEmpty() && !mediaType.toLowerCase(Locale.ROOT).equals("application/json")) {
            text(response, callback, 415, "rpc: unrecognized Content-Type: " + mediaType);
            return;
        }
        // A plugin call may outlast the idle timeout (a Provision that pulls an image): the connection is busy,
        // not idle, and the client has its own deadline.
        request.addIdleTimeoutListener(timeout -> false);
        RequestBodies.read(request, maxBody, bodyTimeout).whenComplete((body, failure) -> {
            if (failure == null) {
                byte[] answer;
                try {
                    answer = dispatcher.dispatch(body);
                } catch (RuntimeException | Error e) {
                    LOG.error("answering a request failed", e);
                    callback.failed(e); // Jetty answers 500: the client is not left waiting
                    return;
                }
                if (answer == null) { // a notification
                    answer(response, callback, 200, null, new byte[0]);
                } else {
                    answer(response, callback, 200, JSON, answer);
                }
            } else if (failure instanceof RequestBodies.TooLarge) {
                response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
                text(response, callback, 413, "413 Request Entity Too Large: " + failure.getMessage() + "\n");
            } else {
                // Too slow, or gone: as Go's server on a read timeout, close without an answer.
                LOG.debug("closing a connection: {}", failure.toString());
                request.getConnectionMetaData().getConnection().getEndPoint().close(failure);
                callback.failed(failure);
            }
        });
    }

    private static void text(Response response, Callback callback, int status, String message) {
        answer(response, callback, status, Answers.TEXT, message.getBytes(StandardCharsets.UTF_8));
    }

    /** As Go's server: every answer says nosniff. */
    private static void answer(Response response, Callback callback, int status, String contentType, byte[] body) {
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        Answers.send(response, callback, status, contentType, body);
    }
}
