package io.infrakit.plugins.group;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.plugins.spi.PluginName;

/**
 * A plugin reference with its opaque configuration: InfraKit's {@code InstancePlugin} / {@code FlavorPlugin}
 * sections of a group spec. {@code properties} is kept exactly as written (null when absent).
 */
@JsonPropertyOrder({"Plugin", "Properties"})
public record PluginSpec(@JsonProperty("Plugin") String plugin, @JsonProperty("Properties") JsonNode properties) {

    public PluginName pluginName() {
        return PluginName.parse(plugin);
    }
}
