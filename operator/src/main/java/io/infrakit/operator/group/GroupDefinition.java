package io.infrakit.operator.group;

import io.infrakit.operator.group.UpdatePolicy;
import io.infrakit.plugins.group.GroupProperties;
import io.infrakit.plugins.spi.Allocation;
import io.infrakit.plugins.spi.GroupSpec;

/**
 * A group spec that passed structural validation: what the controller converges to. {@code revision} is the etcd
 * mod revision of the spec key it came from; {@code configHash} the {@code infrakit.config_sha} of its instances;
 * {@code update} how it rolls to a new config.
 */
public record GroupDefinition(String id, GroupSpec spec, GroupProperties properties, String configHash, long revision,
                              UpdatePolicy update) {

    public Allocation allocation() {
        return properties.allocation();
    }

    public long desired() {
        return allocation().desired();
    }
}
