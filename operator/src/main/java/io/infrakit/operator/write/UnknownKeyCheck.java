package io.infrakit.operator.write;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.operator.group.GroupRouting;
import io.infrakit.operator.group.SyncAnnotations;
import io.infrakit.plugins.PluginLookup;
import io.infrakit.plugins.group.GroupProperties;
import io.infrakit.plugins.group.GroupSpecs;
import io.infrakit.plugins.group.PluginSpec;
import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.spi.GroupSpec;
import io.infrakit.plugins.spi.PluginException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The keys of a spec that nothing reads: neither InfraKit's group plugin nor the spec's instance and flavor plugins
 * (as far as they can tell: plugins in other processes cannot). InfraKit accepts such keys and so does the operator,
 * so a spec written into etcd directly still converges; a typo ({@code "Sise"}) would otherwise go unnoticed.
 */
public final class UnknownKeyCheck {

    private UnknownKeyCheck() {
    }

    /**
     * Each unknown key as its path in the spec, with the key likely meant:
     * {@code Properties.Flavor.Properties.Intt (did you mean Init?)}. Empty for a spec that does not parse (its
     * validation says what is wrong) or that names another group plugin (whose properties are its own).
     */
    public static List<String> find(String json, PluginLookup plugins, GroupRouting routing) {
        List<String> out = new ArrayList<>();
        GroupProperties props;
        JsonNode root;
        try {
            root = Json.parse(json);
            GroupSpec spec = GroupSpecs.parse(json);
            if (routing.delegates(spec)) {
                return out;
            }
            props = GroupSpecs.properties(spec);
        } catch (IllegalArgumentException e) {
            return out;
        }
        out.addAll(GroupSpecs.unknownKeys(root, List.of(SyncAnnotations.FIELD)));
        if (plugins != null) {
            out.addAll(plugin(props.instance(), "Instance", spec -> plugins.instance(spec.pluginName())
                    .unknownKeys(spec.properties())));
            out.addAll(plugin(props.flavor(), "Flavor", spec -> plugins.flavor(spec.pluginName())
                    .unknownKeys(spec.properties())));
        }
        return out;
    }

    private static List<String> plugin(PluginSpec spec, String section, Function<PluginSpec, List<String>> ask) {
        if (spec == null || spec.plugin() == null || spec.plugin().isBlank()) {
            return List.of();
        }
        try {
            // The plugin names paths from its own "Properties"; in the spec they sit under the section.
            return ask.apply(spec).stream().map(p -> "Properties." + section + "." + p).toList();
        } catch (PluginException | IllegalArgumentException e) {
            return List.of(); // no such plugin, or a bad name: validation says so
        }
    }
}
