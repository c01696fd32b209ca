package io.infrakit.plugins.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What every InfraKit plugin socket answers about itself: {@code Handshake.Implements} and {@code Handshake.Types}
 * (v0.3 to late 2017), {@code Plugin.Implements} (v0.1/v0.2 clients) and {@code Handshake.Hello} (InfraKit's last
 * versions), all from the list of served interfaces.
 */
final class HandshakeService {

    private final List<RpcService<?>> services;

    HandshakeService(List<RpcService<?>> services) {
        this.services = List.copyOf(services);
    }

    void register(RpcDispatcher d) {
        d.register("Handshake", "Implements", params -> implementsResult());
        d.register("Plugin", "Implements", params -> implementsResult());
        d.register("Handshake", "Types", params -> types());
        d.register("Handshake", "Hello", params -> hello());
    }

    ObjectNode implementsResult() {
        ObjectNode result = JsonRpc.NODES.objectNode();
        ArrayNode apis = result.putArray("APIs");
        for (RpcService<?> s : services) {
            apis.add(spec(s.spec()));
        }
        return result;
    }

    static ObjectNode spec(InterfaceSpec spec) {
        ObjectNode node = JsonRpc.NODES.objectNode();
        node.put("Name", spec.name());
        node.put("Version", spec.version());
        return node;
    }

    private JsonNode types() {
        Map<String, List<String>> byInterface = new TreeMap<>(); // a Go map: written sorted
        services.forEach(s -> byInterface.put(s.spec().encode(), s.types()));
        ObjectNode result = JsonRpc.NODES.objectNode();
        ObjectNode types = result.putObject("Types");
        byInterface.forEach((iface, names) -> {
            ArrayNode list = types.putArray(iface);
            names.forEach(list::add);
        });
        return result;
    }

    private JsonNode hello() {
        Map<String, List<String>> byInterface = new TreeMap<>();
        services.forEach(s -> byInterface.put(s.spec().encode(), s.types()));
        ObjectNode result = JsonRpc.NODES.objectNode();
        ObjectNode objects = result.putObject("Objects");
        byInterface.forEach((iface, names) -> {
            ArrayNode list = objects.putArray(iface);
            names.forEach(n -> list.addObject().put("Name", n).put("ProxyFor", ""));
        });
        return result;
    }
}
