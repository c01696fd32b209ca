package io.infrakit.plugins.spi;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.plugins.json.KeyAudit;
import java.util.List;

/** Turns a group's flavor properties into what runs on an instance: InfraKit's Flavor SPI. */
public interface FlavorPlugin {

    /** Checks the flavor properties against the allocation; throws {@link PluginException} when they are wrong. */
    void validate(JsonNode properties, Allocation allocation);

    /** Keys of the properties that this flavor does not know; empty when it cannot tell (see InstancePlugin's). */
    default List<KeyAudit.UnknownKey> unknownKeys(JsonNode properties) {
        return List.of();
    }

    /** Returns the spec with the flavor's init script, tags and attachments added. */
    InstanceSpec prepare(JsonNode properties, InstanceSpec spec, Allocation allocation, Index index);

    /** Whether the instance does its job. */
    Health healthy(JsonNode properties, InstanceDescription instance);

    /** Prepares an instance for destruction (best effort: the caller destroys it even if this fails). */
    void drain(JsonNode properties, InstanceDescription instance);

    /**
     * Called on every pass the controller makes over a group. Returns what the flavor did to the group's
     * infrastructure on its own, between calls, oldest first, for the group's status (the swarm manager flavor
     * removing a replaced manager from the swarm). A flavor that looks after more than single instances may take
     * the call as its cue to look again, on its own threads: the call must not wait for that. Not part of
     * InfraKit's wire protocol; most flavors have nothing to say.
     */
    default List<String> notes(String group, JsonNode properties, Allocation allocation) {
        return List.of();
    }
}
