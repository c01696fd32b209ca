package io.infrakit.operator.group;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * One field that differs between etcd ({@code live}) and the source: {@code live} null means the source adds the
 * field, {@code source} null that it removes it. {@code path} is like {@code Properties.Allocation.Size}.
 */
@JsonPropertyOrder({"Path", "Live", "Source"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FieldChange(@JsonProperty("Path") String path, @JsonProperty("Live") JsonNode live,
                          @JsonProperty("Source") JsonNode source) {

    /** One line for people: {@code + path: value}, {@code - path: value} or {@code ~ path: old → new}. */
    public String describe() {
        if (live == null) {
            return "+ " + path + ": " + source;
        }
        if (source == null) {
            return "- " + path + ": " + live;
        }
        return "~ " + path + ": " + live + " → " + source;
    }
}
