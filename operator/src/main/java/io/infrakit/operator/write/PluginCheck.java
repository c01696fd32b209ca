package io.infrakit.operator.write;

import io.infrakit.operator.group.GroupDefinition;
import io.infrakit.operator.group.SpecException;
import io.infrakit.plugins.PluginLookup;
import io.infrakit.plugins.group.GroupProperties;
import io.infrakit.plugins.group.GroupSpecs;
import io.infrakit.plugins.json.KeyAudit;
import io.infrakit.plugins.spi.GroupSpec;
import io.infrakit.plugins.spi.PluginException;
import io.infrakit.plugins.spi.PluginName;
import java.util.ArrayList;
import java.util.List;

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

    /**
     * Keys of the spec that nothing reads, most often typos ({@code Sise}): InfraKit ignores them, so a raw put
     * still converges, but they are worth a warning. Looks at the group's own sections and at the properties of
     * built-in plugins (a plugin in another process cannot say); {@code json}, when given, adds the top level.
     */
    public static List<KeyAudit.UnknownKey> unknownKeys(String json, GroupDefinition group, PluginLookup plugins) {
        List<KeyAudit.UnknownKey> out = new ArrayList<>();
        if (json != null) {
            out.addAll(KeyAudit.of(() -> GroupSpecs.parse(json)));
        }
        out.addAll(KeyAudit.of(() -> GroupSpecs.properties(group.spec())));
        out.addAll(pluginKeys(group.properties(), plugins));
        return out;
    }

    /**
     * The same for a spec read as it is, valid or not: a typo often makes it invalid ({@code Sise} leaves the
     * allocation blank), and then the typo is what the user needs to hear. Empty when it is not even a group spec.
     */
    public static List<KeyAudit.UnknownKey> unknownKeys(String json, PluginLookup plugins) {
        List<KeyAudit.UnknownKey> out = new ArrayList<>();
        try {
            out.addAll(KeyAudit.of(() -> GroupSpecs.parse(json)));
            GroupSpec spec = GroupSpecs.parse(json);
            out.addAll(KeyAudit.of(() -> GroupSpecs.properties(spec)));
            out.addAll(pluginKeys(GroupSpecs.properties(spec), plugins)); // past a failed read: top level only
        } catch (RuntimeException e) {
            // Not readable as a group spec: its validation says why.
        }
        return out;
    }

    private static List<KeyAudit.UnknownKey> pluginKeys(GroupProperties props, PluginLookup plugins) {
        List<KeyAudit.UnknownKey> out = new ArrayList<>();
        try {
            plugins.instance(props.instance().pluginName()).unknownKeys(props.instance().properties())
                    .forEach(k -> out.add(k.under("Properties.Instance.")));
            plugins.flavor(props.flavor().pluginName()).unknownKeys(props.flavor().properties())
                    .forEach(k -> out.add(k.under("Properties.Flavor.")));
        } catch (RuntimeException e) {
            // A plugin that cannot be found is an error check reports; nothing more to say about its keys.
        }
        return out;
    }

    /** The warning for unknown keys, in one line; null when there are none. */
    public static String describe(List<KeyAudit.UnknownKey> unknown) {
        if (unknown.isEmpty()) {
            return null;
        }
        return (unknown.size() == 1 ? "unknown key " : "unknown keys ") + String.join(", ",
                unknown.stream().map(KeyAudit.UnknownKey::toString).toList());
    }
}
