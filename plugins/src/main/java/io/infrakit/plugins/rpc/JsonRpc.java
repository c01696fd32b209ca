package io.infrakit.plugins.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.infrakit.plugins.json.GoJson;
import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.json.JsonFormatException;
import java.nio.charset.StandardCharsets;

/**
 * JSON-RPC 2.0 envelopes as gorilla/rpc's json2 codec writes and reads them: compact Go-style JSON, members in Go's
 * struct order, a newline after a server's answer (Go's {@code json.Encoder}).
 */
final class JsonRpc {

    static final String VERSION = "2.0";
    static final JsonNodeFactory NODES = Json.mapper().getNodeFactory();

    private JsonRpc() {
    }

    /** A request as received by a server. {@code id} is null for a notification (absent or JSON null). */
    record Call(String version, String method, JsonNode params, JsonNode id) {

        /** gorilla echoes the decoded request as the data of an invalid-request error. */
        ObjectNode echo() {
            ObjectNode node = NODES.objectNode();
            node.put("jsonrpc", version);
            node.put("method", method);
            node.set("params", params == null ? NODES.nullNode() : params);
            node.set("id", id == null ? NODES.nullNode() : id);
            return node;
        }
    }

    /** What a client gets back: a result, or the plugin's error. */
    record Reply(JsonNode result, RpcException error) {
    }

    static byte[] request(String method, JsonNode params, long id) {
        ObjectNode node = NODES.objectNode();
        node.put("jsonrpc", VERSION);
        node.put("method", method);
        node.set("params", params);
        node.put("id", id);
        return GoJson.compact(node).getBytes(StandardCharsets.UTF_8);
    }

    static byte[] result(JsonNode id, JsonNode result) {
        ObjectNode node = NODES.objectNode();
        node.put("jsonrpc", VERSION);
        node.set("result", result);
        node.set("id", id == null ? NODES.nullNode() : id);
        return line(node);
    }

    static byte[] error(JsonNode id, int code, String message, JsonNode data) {
        ObjectNode node = NODES.objectNode();
        node.put("jsonrpc", VERSION);
        ObjectNode error = node.putObject("error");
        error.put("code", code);
        error.put("message", message);
        error.set("data", data == null ? NODES.nullNode() : data);
        node.set("id", id == null ? NODES.nullNode() : id);
        return line(node);
    }

    private static byte[] line(JsonNode node) {
        return (GoJson.compact(node) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Reads a client's answer.
     *
     * @throws IllegalArgumentException when the body is not a JSON-RPC response
     */
    static Reply reply(byte[] body) {
        JsonNode root;
        try {
            root = Json.parse(body);
        } catch (JsonFormatException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
        if (!root.isObject()) {
            throw new IllegalArgumentException("not a JSON-RPC response: a JSON " + root.getNodeType().name().toLowerCase(
                    java.util.Locale.ROOT));
        }
        JsonNode error = root.get("error");
        if (error != null && !error.isNull()) {
            return new Reply(null, rpcError(error));
        }
        JsonNode result = root.get("result");
        if (result == null || result.isNull()) {
            throw new IllegalArgumentException("result is null"); // gorilla's ErrNullResult
        }
        return new Reply(result, null);
    }

    /** gorilla's client: an error it cannot decode becomes a server error whose message is the raw JSON. */
    private static RpcException rpcError(JsonNode error) {
        JsonNode code = error.get("code");
        JsonNode message = error.get("message");
        boolean wellFormed = error.isObject() && (code == null || code.isNull() || code.canConvertToInt()
                && code.isIntegralNumber()) && (message == null || message.isNull() || message.isTextual());
        if (!wellFormed) {
            return new RpcException(RpcException.SERVER_ERROR, GoJson.compact(error), null);
        }
        return new RpcException(code == null || code.isNull() ? 0 : code.intValue(),
                message == null || message.isNull() ? "" : message.textValue(), error.get("data"));
    }

    /** Go's {@code %q}: a double-quoted string with Go escapes, used in gorilla's "can't find" messages. */
    static String goQuote(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        out.append(String.format("\\x%02x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
