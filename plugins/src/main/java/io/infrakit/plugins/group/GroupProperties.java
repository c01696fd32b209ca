package io.infrakit.plugins.group;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.plugins.spi.Allocation;

/**
 * The default group plugin's {@code Properties}: how many instances, made by which instance plugin, shaped by which
 * flavor, and (optionally) how to roll updates. {@code updating} stays opaque here; the operator interprets it.
 */
@JsonPropertyOrder({"Allocation", "Instance", "Flavor", "Updating"})
public record GroupProperties(
        @JsonProperty("Allocation") Allocation allocation,
        @JsonProperty("Instance") PluginSpec instance,
        @JsonProperty("Flavor") PluginSpec flavor,
        @JsonProperty("Updating") @JsonInclude(JsonInclude.Include.NON_NULL) JsonNode updating) {

    /** The {@code infrakit.config_sha} of instances made from these properties (allocation excluded). */
    public String configHash() {
        return ConfigHash.of(instance, flavor);
    }
}
