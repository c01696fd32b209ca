package io.infrakit.plugins.group;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.json.JsonFormatException;
import io.infrakit.plugins.json.ObjectFields;
import io.infrakit.plugins.spi.Allocation;
import io.infrakit.plugins.spi.GroupSpec;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes InfraKit group specs. Keys match case-insensitively, as InfraKit's Go decoder matches them
 * ({@code "size"} is {@code Size}); unknown keys are ignored when reading and kept when re-writing; the opaque
 * Instance and Flavor properties are never touched. Type errors name the field, so they can go straight into a
 * group's status. Values are not judged here (a negative size, a blank ID): that is the validator's job.
 */
public final class GroupSpecs {

    private static final List<String> GROUP_KEYS = List.of("Allocation", "Instance", "Flavor", "Updating");
    private static final List<String> ALLOCATION_KEYS = List.of("Size", "LogicalIDs");
    private static final List<String> PLUGIN_KEYS = List.of("Plugin", "Properties");
    private static final List<String> UPDATING_KEYS = List.of("Count", "Duration", "SkipBeforeInstanceDestroy");
    private static final Map<String, List<String>> NESTED = Map.of(
            "Allocation", ALLOCATION_KEYS, "Instance", PLUGIN_KEYS, "Flavor", PLUGIN_KEYS, "Updating", UPDATING_KEYS);

    private GroupSpecs() {
    }

    /**
     * Reads the envelope {@code {"ID":..,"Plugin":..,"Properties":..}}. Absent or null fields are null.
     *
     * @throws SpecFormatException when the text is not JSON, not an object, or ID or Plugin is not a string
     */
    public static GroupSpec parse(String json) {
        if (json == null) {
            throw new SpecFormatException("group spec is not valid JSON: empty document");
        }
        JsonNode root;
        try {
            root = Json.parse(json);
        } catch (JsonFormatException e) {
            throw new SpecFormatException("group spec is not valid JSON: " + e.getMessage(), e);
        }
        if (!root.isObject()) {
            throw new SpecFormatException("group spec must be a JSON object, got " + ObjectFields.kind(root));
        }
        // Annotations: GitOps sync's record of where a spec came from, beside InfraKit's fields.
        ObjectFields fields = ObjectFields.of(root, "", SpecFormatException::new).known("Annotations");
        return new GroupSpec(fields.string("ID"), fields.string("Plugin"), fields.get("Properties"));
    }

    /**
     * Reads the default group plugin's properties. An absent section is null, except the allocation, which is then
     * Go's zero value (size 0, no logical IDs) so the validator can say it must not be blank.
     *
     * @throws SpecFormatException naming the field that has the wrong type
     */
    public static GroupProperties properties(GroupSpec spec) {
        JsonNode node = spec.properties();
        if (node == null || node.isNull()) {
            return new GroupProperties(new Allocation(0, null), null, null, null);
        }
        ObjectFields fields = ObjectFields.of(node, "Properties", SpecFormatException::new);
        return new GroupProperties(
                allocation(fields.struct("Allocation")),
                pluginSpec(fields.struct("Instance")),
                pluginSpec(fields.struct("Flavor")),
                fields.get("Updating"));
    }

    private static Allocation allocation(ObjectFields fields) {
        if (fields == null) {
            return new Allocation(0, null);
        }
        long size = 0;
        JsonNode sizeNode = fields.value("Size");
        if (sizeNode != null) {
            // Kept signed so that the validator can report a negative size as such.
            if (!sizeNode.isIntegralNumber() || !sizeNode.canConvertToLong()) {
                throw fields.fail("Size", "must be a non-negative integer, got " + describe(sizeNode));
            }
            size = sizeNode.longValue();
        }
        return new Allocation(size, fields.stringList("LogicalIDs"));
    }

    private static PluginSpec pluginSpec(ObjectFields fields) {
        return fields == null ? null : new PluginSpec(fields.string("Plugin"), fields.get("Properties"));
    }

    private static String describe(JsonNode value) {
        String kind = ObjectFields.kind(value);
        return value.isValueNode() ? kind + " " + value : kind;
    }

    /**
     * Compact JSON of a spec with InfraKit's names: known keys of the group properties (and of their Allocation,
     * Instance, Flavor and Updating sections) are spelled canonically; unknown keys and the Instance and Flavor
     * properties are kept as written. Of keys that differ only in case, the last wins, as it does for Go.
     */
    public static String toJson(GroupSpec spec) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("ID", spec.id());
        if (spec.plugin() != null) {
            out.put("Plugin", spec.plugin());
        }
        out.set("Properties", canonicalProperties(spec.properties()));
        return Json.write(out);
    }

    /** The group properties with canonical key names; anything that is not an object is returned as it is. */
    public static JsonNode canonicalProperties(JsonNode properties) {
        if (properties == null) {
            return JsonNodeFactory.instance.nullNode();
        }
        if (!properties.isObject()) {
            return properties;
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (Map.Entry<String, JsonNode> e : properties.properties()) {
            String name = canonical(e.getKey(), GROUP_KEYS);
            JsonNode value = e.getValue();
            List<String> nested = NESTED.get(name);
            out.set(name, nested != null && value.isObject() ? rename(value, nested) : value);
        }
        return out;
    }

    private static ObjectNode rename(JsonNode object, List<String> known) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (Map.Entry<String, JsonNode> e : object.properties()) {
            out.set(canonical(e.getKey(), known), e.getValue());
        }
        return out;
    }

    private static String canonical(String key, List<String> known) {
        for (String name : known) {
            if (ObjectFields.foldEquals(name, key)) {
                return name;
            }
        }
        return key;
    }
}
