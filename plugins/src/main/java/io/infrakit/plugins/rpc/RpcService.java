package io.infrakit.plugins.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.infrakit.plugins.json.ObjectFields;
import io.infrakit.plugins.spi.PluginException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One SPI served over JSON-RPC: a default plugin and/or typed sub-plugins, picked by each request's {@code Type}
 * as InfraKit's {@code PluginServerWithTypes} does.
 */
abstract class RpcService<P> {

    /** An example request and its zero-valued response, for {@code /info/api.json}. */
    record Example(JsonNode params, JsonNode result) {
    }

    private final InterfaceSpec spec;
    private final P defaultPlugin;
    private final Map<String, P> typed;

    RpcService(InterfaceSpec spec, P defaultPlugin, Map<String, P> typed) {
        this.spec = spec;
        this.defaultPlugin = defaultPlugin;
        this.typed = Map.copyOf(typed);
    }

    final InterfaceSpec spec() {
        return spec;
    }

    /** The Go service name: the interface name ({@code Instance}, {@code Flavor}). */
    final String serviceName() {
        return spec.name();
    }

    /** The sub-types, sorted, {@code "."} standing for the default plugin. */
    final List<String> types() {
        List<String> types = new ArrayList<>(typed.keySet());
        if (defaultPlugin != null) {
            types.add(".");
        }
        types.sort(null);
        return types;
    }

    abstract void register(RpcDispatcher dispatcher);

    /** Example request params and result for each method, by method name. */
    abstract SortedMap<String, Example> examples();

    /** The plugin a request's Type names; InfraKit's {@code no-plugin:<type>} otherwise. */
    final P plugin(String type) {
        P p = type.isEmpty() ? defaultPlugin : typed.get(type);
        if (p == null) {
            throw new PluginException("no-plugin:" + type);
        }
        return p;
    }

    static ObjectFields params(JsonNode params) {
        return ObjectFields.of(params, "params", InvalidParamsException::new);
    }

    /** A response object starting with the echoed Type. */
    static ObjectNode typed(String type) {
        ObjectNode node = JsonRpc.NODES.objectNode();
        node.put("Type", type);
        return node;
    }

    static ObjectNode ok(String type, boolean ok) {
        return typed(type).put("OK", ok);
    }

    static SortedMap<String, Example> sorted() {
        return new TreeMap<>();
    }
}
