package io.infrakit.plugins.spi;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * InfraKit's {@code group.Spec} envelope: a group ID, an optional group plugin name, and the group plugin's
 * properties (for the default group plugin, a {@link GroupProperties}). This is the JSON users put into etcd.
 */
@JsonPropertyOrder({"ID", "Plugin", "Properties"})
public record GroupSpec(
        @JsonProperty("ID") String id,
        @JsonProperty("Plugin") @JsonInclude(JsonInclude.Include.NON_NULL) String plugin,
        @JsonProperty("Properties") JsonNode properties) {
}
