package io.infrakit.plugins.spi;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Sent to {@code Flavor.Prepare}: the group and its current target size (InfraKit's "Sequence", not a counter). */
public record Index(@JsonProperty("Group") String group, @JsonProperty("Sequence") long sequence) {
}
