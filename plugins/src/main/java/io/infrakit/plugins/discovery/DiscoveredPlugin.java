package io.infrakit.plugins.discovery;

import io.infrakit.plugins.rpc.InterfaceSpec;
import java.util.List;

/**
 * A plugin endpoint and what its handshake said: the interfaces it implements, or why it could not be asked
 * (for {@code infrakit plugin ls}).
 *
 * @param error null when the handshake succeeded
 */
public record DiscoveredPlugin(PluginEndpoint endpoint, List<InterfaceSpec> interfaces, String error) {

    public DiscoveredPlugin {
        interfaces = interfaces == null ? List.of() : List.copyOf(interfaces);
    }

    public boolean reachable() {
        return error == null;
    }
}
