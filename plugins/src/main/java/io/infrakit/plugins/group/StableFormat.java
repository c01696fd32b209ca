package io.infrakit.plugins.group;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.infrakit.plugins.json.GoJson;

/**
 * The text InfraKit v0.5's {@code stableFormat} makes of a group spec's Instance or Flavor section, the input of
 * the config hash: the section {@code {"Plugin":..,"Properties":..}} as Go marshals it, decoded into a
 * {@code map[string]interface{}} and written by {@code json.MarshalIndent(map, "  ", "  ")}. So keys are sorted at
 * every level, numbers are float64s, strings use Go's escaping; a missing section is Go's zero value
 * ({@code "Plugin": ""}, {@code "Properties": null}).
 */
public final class StableFormat {

    /** {@code MarshalIndent(v, "  ", "  ")} of a decoded map. */
    public static final GoJson.Style STYLE = new GoJson.Style(true, "  ", "  ");

    private StableFormat() {
    }

    /**
     * @throws SpecFormatException when the properties hold a number beyond float64's range (InfraKit panics)
     */
    public static String of(PluginSpec section) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("Plugin", section == null || section.plugin() == null ? "" : section.plugin());
        JsonNode properties = section == null ? null : section.properties();
        node.set("Properties", properties == null ? JsonNodeFactory.instance.nullNode() : properties);
        try {
            return GoJson.write(node, STYLE);
        } catch (IllegalArgumentException e) {
            throw new SpecFormatException("cannot compute the config hash: " + e.getMessage(), e);
        }
    }
}
