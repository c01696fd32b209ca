package io.infrakit.plugins.file;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.infrakit.plugins.json.GoJson;
import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.json.ObjectFields;
import io.infrakit.plugins.spi.Attachment;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.spi.InstanceSpec;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * One instance file of InfraKit's file plugin: the description fields flattened next to the full spec,
 * {@code {"ID":..,"LogicalID":..,"Tags":{..},"Spec":{..}}}, written as Go's {@code json.MarshalIndent(v, "", "")}
 * writes it (one element per line, no indentation, maps sorted, the opaque properties as given).
 */
record FileInstanceRecord(String id, String logicalId, Map<String, String> tags, InstanceSpec spec) {

    private static final GoJson.Style MARSHAL_INDENT_EMPTY = new GoJson.Style(false, "", "");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** A new instance: its tags and logical ID are the spec's, as InfraKit's Provision copies them. */
    static FileInstanceRecord provisioned(String id, InstanceSpec spec) {
        return new FileInstanceRecord(id, spec.logicalId(), spec.tags(), spec);
    }

    FileInstanceRecord withTags(Map<String, String> newTags) {
        return new FileInstanceRecord(id, logicalId, newTags, spec);
    }

    byte[] toBytes() {
        ObjectNode root = NODES.objectNode();
        root.put("ID", id);
        root.put("LogicalID", logicalId);
        root.set("Tags", tagsNode(tags));
        root.set("Spec", specNode());
        return GoJson.write(root, MARSHAL_INDENT_EMPTY).getBytes(StandardCharsets.UTF_8);
    }

    /** The spec as Go marshals {@code instance.Spec}; also what a description's Properties carry. */
    ObjectNode specNode() {
        ObjectNode node = NODES.objectNode();
        node.set("Properties", spec.properties() == null ? NODES.nullNode() : spec.properties());
        node.set("Tags", tagsNode(spec.tags()));
        node.put("Init", spec.init());
        node.put("LogicalID", spec.logicalId());
        if (spec.attachments() == null) {
            node.putNull("Attachments");
        } else {
            ArrayNode list = node.putArray("Attachments");
            for (Attachment a : spec.attachments()) {
                list.addObject().put("ID", a.id()).put("Type", a.type());
            }
        }
        return node;
    }

    InstanceDescription describe(boolean withProperties) {
        return new InstanceDescription(id, logicalId, tags, withProperties ? specNode() : null);
    }

    private static JsonNode tagsNode(Map<String, String> tags) {
        if (tags == null) {
            return NODES.nullNode(); // a Go nil map
        }
        Map<String, String> sorted = new TreeMap<>(GoJson.KEY_ORDER);
        sorted.putAll(tags);
        ObjectNode node = NODES.objectNode();
        sorted.forEach(node::put);
        return node;
    }

    /**
     * Reads a file's content the way Go decodes it into the file plugin's struct (keys in any case, unknown keys
     * ignored). The instance ID is the file name.
     *
     * @throws IllegalArgumentException when the content is not such a document
     */
    static FileInstanceRecord parse(String fileName, byte[] content) {
        JsonNode root = Json.parse(content);
        ObjectFields fields = ObjectFields.of(root, "", IllegalArgumentException::new);
        InstanceSpec spec = new InstanceSpec(null, null, "", null, null);
        ObjectFields specFields = fields.object("Spec");
        if (specFields != null) {
            spec = new InstanceSpec(specFields.get("Properties"), specFields.stringMap("Tags"),
                    specFields.string("Init", ""), specFields.string("LogicalID"),
                    specFields.list("Attachments", FileInstanceRecord::attachment));
        }
        fields.string("ID"); // must be a string if present, as for Go; the file name is what counts
        return new FileInstanceRecord(fileName, fields.string("LogicalID"), fields.stringMap("Tags"), spec);
    }

    static Attachment attachment(ObjectFields fields) {
        return new Attachment(fields.string("ID", ""), fields.string("Type", ""));
    }
}
