package io.infrakit.plugins.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.infrakit.plugins.json.ObjectFields;
import io.infrakit.plugins.spi.PluginException;
import java.util.List;
import java.util.function.Function;

/** What the remote plugins share: the client, the handshake, the sub-type sent as {@code Type}. */
final class RemoteCalls {

    private final RpcClient client;
    private final Handshake handshake;
    private final String type;

    RemoteCalls(RpcClient client, String interfaceName, List<String> versions, String type) {
        this.client = client;
        this.handshake = new Handshake(client, interfaceName, versions);
        this.type = type == null ? "" : type;
    }

    RpcClient client() {
        return client;
    }

    String type() {
        return type;
    }

    InterfaceSpec negotiate() {
        return handshake.ensure(client.deadline());
    }

    /**
     * Handshakes if needed, then calls the method with params made for the agreed version, and returns the result
     * as fields. A transport failure makes the next call handshake again: the plugin may come back as another
     * version.
     */
    ObjectFields call(String method, Function<InterfaceSpec, ObjectNode> params) {
        long deadline = client.deadline();
        JsonNode result;
        try {
            InterfaceSpec spec = handshake.ensure(deadline);
            result = client.call(method, params.apply(spec), deadline);
        } catch (PluginTransportException e) {
            handshake.forget();
            throw e;
        }
        String where = "plugin at " + client.address() + " answered " + method + " with an unexpected result: ";
        return ObjectFields.of(result, "result", problem -> new PluginException(where + problem));
    }

    /** A params object starting with {@code Type}. */
    ObjectNode params() {
        ObjectNode node = JsonRpc.NODES.objectNode();
        node.put("Type", type);
        return node;
    }

    @Override
    public String toString() {
        return client.address() + (type.isEmpty() ? "" : " type " + type);
    }
}
