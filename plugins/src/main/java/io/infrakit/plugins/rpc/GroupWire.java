package io.infrakit.plugins.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.infrakit.plugins.json.ObjectFields;
import io.infrakit.plugins.spi.GroupDescription;
import io.infrakit.plugins.spi.GroupSpec;
import java.util.List;

/**
 * The Group SPI's values as they travel: {@code group.Spec} is {@code {"ID":..,"Properties":..}} (a {@code Plugin}
 * member only when the spec names one, which InfraKit's decoder ignores), {@code group.Description} is
 * {@code {"Instances":[..],"Converged":b}}.
 */
final class GroupWire {

    private GroupWire() {
    }

    static ObjectNode spec(GroupSpec spec) {
        ObjectNode node = JsonRpc.NODES.objectNode();
        node.put("ID", spec.id() == null ? "" : spec.id());
        if (spec.plugin() != null) {
            node.put("Plugin", spec.plugin());
        }
        node.set("Properties", SpiWire.orNull(spec.properties()));
        return node;
    }

    /** A list of specs; Go writes an empty (nil) one as {@code null}. */
    static JsonNode specs(List<GroupSpec> specs) {
        if (specs == null || specs.isEmpty()) {
            return JsonRpc.NODES.nullNode();
        }
        ArrayNode array = JsonRpc.NODES.arrayNode();
        specs.forEach(s -> array.add(spec(s)));
        return array;
    }

    static ObjectNode description(GroupDescription d) {
        ObjectNode node = JsonRpc.NODES.objectNode();
        node.set("Instances", SpiWire.descriptions(d.instances()));
        node.put("Converged", d.converged());
        return node;
    }

    /** A {@code group.Spec}; absent is Go's zero value (no ID, no properties). */
    static GroupSpec spec(ObjectFields parent, String name) {
        ObjectFields f = parent.object(name);
        return f == null ? new GroupSpec("", null, null) : spec(f);
    }

    static GroupSpec spec(ObjectFields f) {
        JsonNode plugin = f.get("Plugin"); // not in InfraKit's struct: taken when it is a name, ignored otherwise
        return new GroupSpec(f.string("ID", ""), plugin != null && plugin.isTextual() ? plugin.textValue() : null,
                f.get("Properties"));
    }

    static GroupDescription description(ObjectFields parent, String name) {
        ObjectFields f = parent.object(name);
        if (f == null) {
            return new GroupDescription(List.of(), false);
        }
        return new GroupDescription(f.list("Instances", SpiWire::description), SpiWire.bool(f, "Converged"));
    }
}
