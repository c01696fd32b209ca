package io.infrakit.plugins.spi;

import java.util.Objects;

/**
 * InfraKit's plugin name microformat {@code lookup[/type]}: the lookup part names the plugin (its socket, or a
 * built-in), the type part is sent as the {@code Type} field of every RPC ({@code ""} when absent).
 */
public record PluginName(String lookup, String type) {

    public PluginName {
        Objects.requireNonNull(lookup, "lookup");
        type = type == null ? "" : type;
    }

    public static PluginName parse(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("plugin name must not be blank");
        }
        int slash = name.indexOf('/');
        return slash < 0 ? new PluginName(name, "") : new PluginName(name.substring(0, slash), name.substring(slash + 1));
    }

    @Override
    public String toString() {
        return type.isEmpty() ? lookup : lookup + "/" + type;
    }
}
