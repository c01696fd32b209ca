package io.infrakit.operator.spec;

import io.infrakit.plugins.group.GroupProperties;
import io.infrakit.plugins.group.GroupSpec;
import io.infrakit.operator.update.UpdatePolicy;
import io.infrakit.plugins.spi.Allocation;

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
