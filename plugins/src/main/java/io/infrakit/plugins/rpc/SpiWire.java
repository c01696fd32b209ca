package io.infrakit.plugins.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.infrakit.plugins.json.GoJson;
import io.infrakit.plugins.json.ObjectFields;
import io.infrakit.plugins.spi.Allocation;
import io.infrakit.plugins.spi.Attachment;
import io.infrakit.plugins.spi.Index;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.spi.InstanceSpec;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The SPI values as InfraKit's Go structs travel: members in struct order, maps sorted as Go sorts them, nil maps
 * and slices as {@code null}, opaque properties verbatim. Reading is Go's too: keys in any case, {@code null} as
 * absent, a wrong type an error naming the field.
 */
final class SpiWire {

    private SpiWire() {
    }

    // ---- writing

    static ObjectNode spec(InstanceSpec spec) {
        ObjectNode node = JsonRpc.NODES.objectNode();
        node.set("Properties", orNull(spec.properties()));
        node.set("Tags", tags(spec.tags()));
        node.put("Init", spec.init());
        node.put("LogicalID", spec.logicalId());
        node.set("Attachments", attachments(spec.attachments()));
        return node;
    }

    static ObjectNode description(InstanceDescription d) {
        ObjectNode node = JsonRpc.NODES.objectNode();
        node.put("ID", d.id() == null ? "" : d.id());
        node.put("LogicalID", d.logicalId());
        node.set("Tags", tags(d.tags()));
        if (d.properties() != null && !d.properties().isNull()) {
            node.set("Properties", d.properties()); // omitempty in Go
        }
        return node;
    }

    static JsonNode descriptions(List<InstanceDescription> list) {
        if (list == null) {
            return JsonRpc.NODES.nullNode();
        }
        ArrayNode array = JsonRpc.NODES.arrayNode();
        list.forEach(d -> array.add(description(d)));
        return array;
    }

    static ObjectNode allocation(Allocation allocation) {
        ObjectNode node = JsonRpc.NODES.objectNode();
        Allocation a = allocation == null ? new Allocation(0, null) : allocation;
        node.put("Size", a.size());
        if (a.logicalIds() == null) {
            node.putNull("LogicalIDs");
        } else {
            ArrayNode ids = node.putArray("LogicalIDs");
            a.logicalIds().forEach(ids::add);
        }
        return node;
    }

    static ObjectNode index(Index index) {
        ObjectNode node = JsonRpc.NODES.objectNode();
        node.put("Group", index == null || index.group() == null ? "" : index.group());
        node.put("Sequence", index == null ? 0 : index.sequence());
        return node;
    }

    static JsonNode tags(Map<String, String> tags) {
        if (tags == null) {
            return JsonRpc.NODES.nullNode();
        }
        Map<String, String> sorted = new TreeMap<>(GoJson.KEY_ORDER);
        sorted.putAll(tags);
        ObjectNode node = JsonRpc.NODES.objectNode();
        sorted.forEach(node::put);
        return node;
    }

    static JsonNode attachments(List<Attachment> attachments) {
        if (attachments == null) {
            return JsonRpc.NODES.nullNode();
        }
        ArrayNode array = JsonRpc.NODES.arrayNode();
        for (Attachment a : attachments) {
            array.addObject().put("ID", a.id() == null ? "" : a.id()).put("Type", a.type() == null ? "" : a.type());
        }
        return array;
    }

    static JsonNode orNull(JsonNode node) {
        return node == null ? JsonRpc.NODES.nullNode() : node;
    }

    // ---- reading

    /** An {@code instance.Spec}; absent is Go's zero value. */
    static InstanceSpec spec(ObjectFields parent, String name) {
        ObjectFields f = parent.object(name);
        if (f == null) {
            return new InstanceSpec(null, null, "", null, null);
        }
        return new InstanceSpec(f.get("Properties"), f.stringMap("Tags"), f.string("Init", ""),
                f.string("LogicalID"), f.list("Attachments", a -> new Attachment(a.string("ID", ""),
                a.string("Type", ""))));
    }

    /** An {@code instance.Description}; absent is Go's zero value. */
    static InstanceDescription description(ObjectFields parent, String name) {
        ObjectFields f = parent.object(name);
        if (f == null) {
            return new InstanceDescription("", null, null, null);
        }
        return description(f);
    }

    static InstanceDescription description(ObjectFields f) {
        return new InstanceDescription(f.string("ID", ""), f.string("LogicalID"), f.stringMap("Tags"),
                f.get("Properties"));
    }

    static Allocation allocation(ObjectFields parent, String name) {
        ObjectFields f = parent.object(name);
        if (f == null) {
            return new Allocation(0, null);
        }
        return new Allocation(unsigned(f, "Size"), f.stringList("LogicalIDs"));
    }

    static Index index(ObjectFields parent, String name) {
        ObjectFields f = parent.object(name);
        if (f == null) {
            return new Index("", 0);
        }
        return new Index(f.string("Group", ""), unsigned(f, "Sequence"));
    }

    /** A Go {@code uint}: a non-negative integer, 0 when absent. */
    static long unsigned(ObjectFields f, String name) {
        JsonNode v = f.get(name);
        if (v == null) {
            return 0;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
            throw f.fail(name, "must be a non-negative integer, got " + describe(v));
        }
        return v.longValue();
    }

    /** A Go {@code int}, 0 when absent. */
    static long integer(ObjectFields f, String name) {
        JsonNode v = f.get(name);
        if (v == null) {
            return 0;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw f.fail(name, "must be an integer, got " + describe(v));
        }
        return v.longValue();
    }

    static boolean bool(ObjectFields f, String name) {
        JsonNode v = f.get(name);
        if (v == null) {
            return false;
        }
        if (!v.isBoolean()) {
            throw f.fail(name, "must be a boolean, got " + ObjectFields.kind(v));
        }
        return v.booleanValue();
    }

    private static String describe(JsonNode v) {
        return v.isNumber() ? v.asText() : ObjectFields.kind(v);
    }
}
