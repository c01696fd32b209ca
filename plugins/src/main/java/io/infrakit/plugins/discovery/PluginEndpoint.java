package io.infrakit.plugins.discovery;

import io.infrakit.plugins.rpc.PluginAddress;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A plugin found in the plugin directory, as InfraKit's {@code discovery.Endpoint}: its lookup name (the file
 * name), {@code "unix"} or {@code "tcp"}, and its address (the socket path, or what its {@code .listen} file says).
 *
 * @param file the socket or {@code .listen} file it was found as
 */
public record PluginEndpoint(String name, String protocol, String address, Path file) {

    public PluginEndpoint {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(file, "file");
    }

    /** Where a client connects; a {@code .listen} file is read again on every connection. */
    public PluginAddress pluginAddress() {
        return file.getFileName().toString().endsWith(LocalPluginDirectory.LISTEN_SUFFIX)
                ? new PluginAddress.ListenFile(file) : new PluginAddress.Unix(file);
    }
}
