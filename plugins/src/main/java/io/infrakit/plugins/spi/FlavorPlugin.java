package io.infrakit.plugins.spi;

import com.fasterxml.jackson.databind.JsonNode;

/** Turns a group's flavor properties into what runs on an instance: InfraKit's Flavor SPI. */
public interface FlavorPlugin {

    /** Checks the flavor properties against the allocation; throws {@link PluginException} when they are wrong. */
    void validate(JsonNode properties, Allocation allocation);

    /** Returns the spec with the flavor's init script, tags and attachments added. */
    InstanceSpec prepare(JsonNode properties, InstanceSpec spec, Allocation allocation, Index index);

    /** Whether the instance does its job. */
    Health healthy(JsonNode properties, InstanceDescription instance);

    /** Prepares an instance for destruction (best effort: the caller destroys it even if this fails). */
    void drain(JsonNode properties, InstanceDescription instance);
}
