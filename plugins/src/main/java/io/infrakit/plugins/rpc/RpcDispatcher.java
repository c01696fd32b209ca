package io.infrakit.plugins.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.json.JsonFormatException;
import io.infrakit.plugins.json.ObjectFields;
import io.infrakit.plugins.spi.PluginException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes a JSON-RPC request body to a {@code Service.Method} handler and writes the answer, with gorilla/rpc v2's
 * json2 behaviour: errors are answers (HTTP 200) with code -32000 for the method's own failure or an unknown
 * method, -32600 for a wrong {@code jsonrpc} or undecodable params; a notification (no id) runs and gets no body.
 */
final class RpcDispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(RpcDispatcher.class);

    /** One RPC method: decodes its params, calls the plugin, returns the result object. */
    @FunctionalInterface
    interface Handler {
        JsonNode call(JsonNode params);
    }

    private final Map<String, Map<String, Handler>> services = new LinkedHashMap<>();

    void register(String service, String method, Handler handler) {
        Handler old = services.computeIfAbsent(service, s -> new LinkedHashMap<>()).putIfAbsent(method, handler);
        if (old != null) {
            throw new IllegalArgumentException("method registered twice: " + service + "." + method);
        }
    }

    /** The answer's body, or null when the request was a notification. */
    byte[] dispatch(byte[] body) {
        JsonNode root;
        try {
            root = Json.parse(body);
        } catch (JsonFormatException e) {
            return JsonRpc.error(null, RpcException.PARSE_ERROR, e.getMessage(), null);
        }
        JsonRpc.Call call;
        try {
            call = call(root);
        } catch (IllegalArgumentException e) {
            return JsonRpc.error(null, RpcException.PARSE_ERROR, e.getMessage(), null);
        }
        if (!JsonRpc.VERSION.equals(call.version())) {
            return reply(call, JsonRpc.error(call.id(), RpcException.INVALID_REQUEST,
                    "jsonrpc must be " + JsonRpc.VERSION, call.echo()));
        }
        Handler handler;
        try {
            handler = find(call.method());
        } catch (IllegalArgumentException e) {
            return reply(call, JsonRpc.error(call.id(), RpcException.SERVER_ERROR, e.getMessage(), null));
        }
        JsonNode params = call.params();
        if (params != null && params.isArray() && params.size() == 1) {
            params = params.get(0); // gorilla also takes [params]
        }
        if (params != null && !params.isNull() && !params.isObject()) {
            return reply(call, JsonRpc.error(call.id(), RpcException.INVALID_REQUEST,
                    "params must be a JSON object, got " + ObjectFields.kind(params),
                    call.params()));
        }
        JsonNode result;
        try {
            result = handler.call(params == null || params.isNull() ? JsonRpc.NODES.objectNode() : params);
        } catch (InvalidParamsException e) {
            return reply(call, JsonRpc.error(call.id(), RpcException.INVALID_REQUEST, e.getMessage(), call.params()));
        } catch (PluginException e) {
            LOG.debug("{} failed: {}", call.method(), e.getMessage());
            return reply(call, JsonRpc.error(call.id(), RpcException.SERVER_ERROR, message(e), null));
        } catch (RuntimeException e) {
            LOG.warn("{} failed unexpectedly", call.method(), e);
            return reply(call, JsonRpc.error(call.id(), RpcException.SERVER_ERROR, message(e), null));
        }
        return reply(call, JsonRpc.result(call.id(), result));
    }

    private static byte[] reply(JsonRpc.Call call, byte[] answer) {
        return call.id() == null ? null : answer;
    }

    private static String message(RuntimeException e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getName();
    }

    private Handler find(String method) {
        String[] parts = method.split("\\.", -1);
        if (parts.length != 2) {
            throw new IllegalArgumentException("rpc: service/method request ill-formed: " + JsonRpc.goQuote(method));
        }
        Map<String, Handler> service = services.get(parts[0]);
        if (service == null) {
            throw new IllegalArgumentException("rpc: can't find service " + JsonRpc.goQuote(method));
        }
        Handler handler = service.get(parts[1]);
        if (handler == null) {
            throw new IllegalArgumentException("rpc: can't find method " + JsonRpc.goQuote(method));
        }
        return handler;
    }

    /** The envelope's members; types as Go's decoder demands them. */
    private static JsonRpc.Call call(JsonNode root) {
        if (!root.isObject()) {
            throw new IllegalArgumentException("a JSON-RPC request must be a JSON object, got "
                    + ObjectFields.kind(root));
        }
        ObjectFields fields =
                ObjectFields.of(root, "", IllegalArgumentException::new);
        JsonNode id = fields.get("id");
        return new JsonRpc.Call(fields.string("jsonrpc", ""), fields.string("method", ""), fields.get("params"), id);
    }
}
