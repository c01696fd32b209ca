package io.infrakit.plugins.terraform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.spi.InstanceSpec;
import io.infrakit.plugins.spi.PluginException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One instance's configuration, the file {@code <ID>.tf.json} in the plugin's directory: the group's resources with
 * the instance resource named by the instance's ID and the others {@code <ID>-<name>}, the tags and the init script
 * where the resource type takes them ({@link ResourceTypes}).
 */
final class InstanceFile {

    static final String PREFIX = "instance-";
    static final String SUFFIX = ".tf.json";

    /**
     * InfraKit's template variable for the instance's ID, allowed anywhere in the properties and the init (in JSON
     * text its quotes are escaped).
     */
    private static final Pattern INSTANCE_ID_VAR = Pattern.compile(
            "\\{\\{-?\\s*var\\s+\\\\?\"/self/instId\\\\?\"\\s*-?}}");

    private InstanceFile() {
    }

    /** Whether a file name is an instance file, and the instance's ID then. */
    static String idOf(String fileName) {
        if (fileName.startsWith(PREFIX) && fileName.endsWith(SUFFIX)
                && fileName.length() > PREFIX.length() + SUFFIX.length()) {
            return fileName.substring(0, fileName.length() - SUFFIX.length());
        }
        return null;
    }

    /** A pet's ID: its logical ID made a resource name, so a pet keeps its resource name when it is replaced. */
    static String petId(String logicalId) {
        String name = logicalId.replaceAll("[^A-Za-z0-9_-]", "_");
        return PREFIX + name;
    }

    /** Replaces InfraKit's {@code {{ var "/self/instId" }}} with the ID. */
    static String withInstanceId(String text, String id) {
        return INSTANCE_ID_VAR.matcher(text).replaceAll(Matcher.quoteReplacement(id));
    }

    /**
     * The file's content for a new instance.
     *
     * @throws PluginException when the properties are not valid ({@link TerraformProperties#parse})
     */
    static ObjectNode render(String id, InstanceSpec spec) {
        JsonNode properties = spec.properties() == null ? null
                : Json.parse(withInstanceId(Json.write(spec.properties()), id));
        TerraformProperties parsed = TerraformProperties.parse(properties);
        String init = withInstanceId(spec.init(), id);

        Map<String, String> tags = new LinkedHashMap<>(spec.tagsOrEmpty());
        if (tags.keySet().stream().noneMatch(k -> k.equalsIgnoreCase("name"))) {
            tags.put("Name", id);
        }
        if (spec.logicalId() != null) {
            tags.put("LogicalID", spec.logicalId());
        }
        ObjectNode resources = JsonNodeFactory.instance.objectNode();
        for (TerraformProperties.Resource r : parsed.resources()) {
            ObjectNode body = r.body().deepCopy();
            String name = r.name();
            if (r == parsed.instance()) {
                name = id;
                try {
                    ResourceTypes.addIdentity(r.type(), body, id, spec.logicalId());
                    ResourceTypes.addTags(r.type(), body, tags);
                    if (!init.isEmpty()) {
                        ResourceTypes.addInit(r.type(), body, init);
                    }
                } catch (IllegalArgumentException e) {
                    throw new PluginException(e.getMessage(), e);
                }
            } else {
                name = id + "-" + name;
            }
            ObjectNode byType = resources.has(r.type()) ? (ObjectNode) resources.get(r.type())
                    : resources.putObject(r.type());
            byType.set(name, body);
        }
        ObjectNode file = JsonNodeFactory.instance.objectNode();
        file.set("resource", resources);
        return file;
    }

    /** The instance resource's type: the one named by the ID. */
    static String instanceType(JsonNode file, String id) {
        for (var entry : file.path("resource").properties()) {
            if (entry.getValue().has(id)) {
                return entry.getKey();
            }
        }
        throw new PluginException("no resource named " + id + " in " + id + SUFFIX);
    }

    /** Every resource address in the file, the instance's first. */
    static List<String> addresses(JsonNode file, String id) {
        List<String> addresses = new ArrayList<>();
        addresses.add(instanceType(file, id) + "." + id);
        file.path("resource").properties().forEach(byType -> byType.getValue().fieldNames().forEachRemaining(
                name -> {
                    String address = byType.getKey() + "." + name;
                    if (!addresses.contains(address)) {
                        addresses.add(address);
                    }
                }));
        return addresses;
    }

    /** A copy of the file with labels merged into the instance resource's tags. */
    static ObjectNode relabel(JsonNode file, String id, Map<String, String> labels) {
        ObjectNode copy = file.deepCopy();
        String type = instanceType(copy, id);
        ResourceTypes.addTags(type, (ObjectNode) copy.path("resource").path(type).path(id), labels);
        return copy;
    }

    /** The instance resource's tags as the file gives them. */
    static Map<String, String> tags(JsonNode file, String id) {
        String type = instanceType(file, id);
        return ResourceTypes.tags(type, file.path("resource").path(type).path(id));
    }
}
