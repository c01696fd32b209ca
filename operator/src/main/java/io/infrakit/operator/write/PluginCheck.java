package io.infrakit.operator.write;

import io.infrakit.operator.group.GroupDefinition;
import io.infrakit.operator.group.SpecException;
import io.infrakit.plugins.PluginLookup;
import io.infrakit.plugins.group.GroupProperties;
import io.infrakit.plugins.spi.PluginException;
import io.infrakit.plugins.spi.PluginName;

/** Asks a spec's plugins about it, as InfraKit's CommitGroup does, in InfraKit's words. */
public final class PluginCheck {

    private PluginCheck() {
    }

    /** Resolves both plugins and lets them validate their properties. */
    public static void check(GroupDefinition group, PluginLookup plugins) throws SpecException {
        GroupProperties props = group.properties();
        PluginName instanceName = props.instance().pluginName();
        PluginName flavorName = props.flavor().pluginName();
        try {
            plugins.flavor(flavorName).validate(props.flavor().properties(), props.allocation());
        } catch (PluginException e) {
            throw new SpecException("Failed to find Flavor plugin '" + flavorName + "':" + e.getMessage());
        }
        try {
            plugins.instance(instanceName).validate(props.instance().properties());
        } catch (PluginException e) {
            throw new SpecException("Failed to find Instance plugin '" + instanceName + "':" + e.getMessage());
        }
    }
}
