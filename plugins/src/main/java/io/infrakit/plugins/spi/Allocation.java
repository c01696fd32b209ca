package io.infrakit.plugins.spi;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * How many instances a group keeps: {@code Size} identical ones (cattle) or one per {@code LogicalIDs} entry (pets).
 * InfraKit's {@code group_types.AllocationMethod}; exactly one of the two is set in a valid spec.
 */
public record Allocation(@JsonProperty("Size") long size, @JsonProperty("LogicalIDs") List<String> logicalIds) {

    public Allocation {
        logicalIds = logicalIds == null ? null : List.copyOf(logicalIds);
    }

    public static Allocation ofSize(long size) {
        return new Allocation(size, null);
    }

    public static Allocation ofLogicalIds(List<String> ids) {
        return new Allocation(0, ids);
    }

    /** True for a pets group (named members). */
    public boolean isPets() {
        return logicalIds != null && !logicalIds.isEmpty();
    }

    /** The number of instances this allocation asks for. */
    public long desired() {
        return isPets() ? logicalIds.size() : size;
    }
}
