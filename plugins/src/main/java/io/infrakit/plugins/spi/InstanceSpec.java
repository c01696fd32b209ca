package io.infrakit.plugins.spi;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * What to provision: InfraKit's {@code instance.Spec}. {@code properties} is the instance plugin's opaque
 * configuration, passed through verbatim; flavors add {@code init}, tags and attachments in Prepare.
 */
@JsonPropertyOrder({"Properties", "Tags", "Init", "LogicalID", "Attachments"})
public record InstanceSpec(
        @JsonProperty("Properties") JsonNode properties,
        @JsonProperty("Tags") Map<String, String> tags,
        @JsonProperty("Init") String init,
        @JsonProperty("LogicalID") String logicalId,
        @JsonProperty("Attachments") List<Attachment> attachments) {

    public InstanceSpec {
        tags = TagMaps.immutable(tags);
        init = init == null ? "" : init;
        attachments = attachments == null ? null : List.copyOf(attachments);
    }

    public InstanceSpec withInit(String newInit) {
        return new InstanceSpec(properties, tags, newInit, logicalId, attachments);
    }

    public InstanceSpec withTags(Map<String, String> newTags) {
        return new InstanceSpec(properties, newTags, init, logicalId, attachments);
    }

    public InstanceSpec withAttachments(List<Attachment> newAttachments) {
        return new InstanceSpec(properties, tags, init, logicalId, newAttachments);
    }

    /** Tags, never null. */
    public Map<String, String> tagsOrEmpty() {
        return tags == null ? Map.of() : tags;
    }
}
