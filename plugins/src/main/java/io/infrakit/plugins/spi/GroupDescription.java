package io.infrakit.plugins.spi;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * A group as its group plugin sees it: InfraKit's {@code group.Description}, {@code {"Instances":[..],"Converged":b}}.
 *
 * @param converged the group has its desired instances, all at the current config, and nothing is under way
 */
@JsonPropertyOrder({"Instances", "Converged"})
public record GroupDescription(
        @JsonProperty("Instances") List<InstanceDescription> instances,
        @JsonProperty("Converged") boolean converged) {

    public GroupDescription {
        instances = instances == null ? List.of() : List.copyOf(instances);
    }
}
