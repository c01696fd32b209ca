package io.infrakit.plugins.spi;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * An instance as its plugin reports it: InfraKit's {@code instance.Description}. {@code properties} is filled only
 * when the caller asked for it.
 */
@JsonPropertyOrder({"ID", "LogicalID", "Tags", "Properties"})
public record InstanceDescription(
        @JsonProperty("ID") String id,
        @JsonProperty("LogicalID") String logicalId,
        @JsonProperty("Tags") Map<String, String> tags,
        @JsonProperty("Properties") @JsonInclude(JsonInclude.Include.NON_NULL) JsonNode properties) {

    public InstanceDescription {
        tags = TagMaps.immutable(tags);
    }

    /** Tags, never null. */
    public Map<String, String> tagsOrEmpty() {
        return tags == null ? Map.of() : tags;
    }

    public String tag(String name) {
        return tagsOrEmpty().get(name);
    }
}
