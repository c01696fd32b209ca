package io.infrakit.plugins.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.plugins.spi.PluginException;

/**
 * A JSON-RPC error a plugin answered with. The message is the plugin's own, unchanged, as InfraKit's client
 * reports it; {@link #code()} is {@code -32000} for errors the plugin's code returned.
 */
public class RpcException extends PluginException {

    /** gorilla/rpc's code for an error returned by the service method. */
    public static final int SERVER_ERROR = -32000;
    public static final int INVALID_REQUEST = -32600;
    public static final int PARSE_ERROR = -32700;

    private final int code;
    private final transient JsonNode data;

    public RpcException(int code, String message, JsonNode data) {
        super(message);
        this.code = code;
        this.data = data;
    }

    public int code() {
        return code;
    }

    /** The error's {@code data}, or null. */
    public JsonNode data() {
        return data;
    }
}
