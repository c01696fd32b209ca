package io.infrakit.operator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.plugins.discovery.PluginEndpoint;
import io.infrakit.plugins.rpc.InterfaceSpec;
import io.infrakit.plugins.rpc.RpcClient;
import io.infrakit.plugins.spi.PluginException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code infrakit plugin info P}: the interfaces and versions a plugin implements, as its handshake says. */
@Command(name = "info",
        description = "Show the interfaces and versions a plugin in the plugin directory implements (its handshake), "
                + "with their sub-types and the plugin's vendor.")
final class PluginInfoCommand implements Callable<Integer> {

    @Mixin
    PluginDirectoryOptions plugins;
    @Mixin
    OutputOptions output;

    @Parameters(paramLabel = "PLUGIN", description = "The plugin's name in the plugin directory.")
    String name;

    @Override
    public Integer call() {
        PluginEndpoint endpoint = plugins.pluginDirectory().find(name);
        RpcClient client = new RpcClient(endpoint.pluginAddress());
        List<InterfaceSpec> apis = client.implementedInterfaces();
        Map<String, List<String>> types;
        try {
            types = client.types();
        } catch (PluginException e) {
            types = Map.of(); // InfraKit's earliest plugins answer only Implements
        }
        JsonNode vendor = null;
        try {
            vendor = client.apiInfo().get("Vendor");
        } catch (PluginException e) {
            // /info/api.json is optional
        }
        if (output.json()) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("Name", endpoint.name());
            out.put("Address", endpoint.address());
            out.put("Implements", apis.stream().map(a -> Map.of("Name", a.name(), "Version", a.version())).toList());
            out.put("Types", types);
            out.put("Vendor", vendor == null || vendor.isNull() ? null : vendor);
            System.out.println(OutputOptions.toJson(out));
            return 0;
        }
        System.out.println("Name:    " + endpoint.name());
        System.out.println("Address: " + endpoint.address());
        if (vendor != null && !vendor.isNull()) {
            System.out.println("Vendor:  " + vendor.path("Name").asText("") + " " + vendor.path("Version").asText(""));
        }
        System.out.printf("%-18s %s%n", "INTERFACE", "TYPES");
        for (InterfaceSpec api : apis) {
            List<String> t = types.get(api.encode());
            System.out.printf("%-18s %s%n", api.encode(), t == null ? "." : String.join(",", t));
        }
        return 0;
    }
}
