package io.infrakit.plugins.spi;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Something attached to an instance (a volume, a network interface), as InfraKit's {@code instance.Attachment}. */
public record Attachment(@JsonProperty("ID") String id, @JsonProperty("Type") String type) {
}
