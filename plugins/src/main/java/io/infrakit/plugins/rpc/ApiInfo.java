package io.infrakit.plugins.rpc;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.infrakit.plugins.json.GoJson;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The document behind {@code GET /info/api.json} (InfraKit's {@code plugin.Info}): vendor, implemented interfaces,
 * and for each method an example request with zero values and the matching zero response. InfraKit describes only
 * the first object on a socket; this describes all of them.
 */
final class ApiInfo {

    /** {@code spi.VendorInfo}: who made the plugin. */
    record Vendor(String name, String version, String url) {
    }

    private ApiInfo() {
    }

    static byte[] document(Vendor vendor, List<RpcService<?>> services) {
        ObjectNode root = JsonRpc.NODES.objectNode();
        if (vendor == null) {
            root.putNull("Vendor");
        } else {
            root.putObject("Vendor").put("Name", vendor.name()).put("Version", vendor.version())
                    .put("URL", vendor.url());
        }
        ArrayNode implemented = root.putArray("Implements");
        services.forEach(s -> implemented.add(HandshakeService.spec(s.spec())));
        ArrayNode interfaces = root.putArray("Interfaces");
        String id = Long.toString(System.currentTimeMillis() / 1000); // InfraKit uses the Unix time, as a string
        for (RpcService<?> s : services) {
            ObjectNode iface = HandshakeService.spec(s.spec());
            ArrayNode methods = iface.putArray("Methods");
            for (Map.Entry<String, RpcService.Example> e : s.examples().entrySet()) {
                ObjectNode method = methods.addObject();
                ObjectNode request = method.putObject("Request");
                request.put("jsonrpc", JsonRpc.VERSION);
                request.put("method", s.serviceName() + "." + e.getKey());
                request.set("params", e.getValue().params());
                request.put("id", id);
                ObjectNode response = method.putObject("Response");
                response.set("result", e.getValue().result());
                response.put("id", id);
            }
            interfaces.add(iface);
        }
        return GoJson.compact(root).getBytes(StandardCharsets.UTF_8);
    }
}
