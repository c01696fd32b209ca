package io.infrakit.plugins.terraform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.infrakit.plugins.spi.PluginException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A group's instance properties: the resources one instance is made of, as a fragment of {@code tf.json} in either
 * of InfraKit's forms:
 *
 * <pre>
 * {"resource": {"aws_instance": {"web": {"instance_type": "t2.micro", ...}}, "aws_ebs_volume": {...}}}   (v0.5)
 * {"type": "aws_instance", "value": {"instance_type": "t2.micro", ...}}                                  (earlier)
 * </pre>
 *
 * One resource is the instance: the one of InfraKit's machine types ({@link ResourceTypes#MACHINES}), else the only
 * resource there is. It is renamed to the instance's ID, the others to {@code <ID>-<name>}.
 *
 * @param resources every resource, in the order written
 * @param instance  the one that is the instance
 */
record TerraformProperties(List<Resource> resources, Resource instance) {

    /** One resource block: its type, its name in the properties, and its body (never modified: copy first). */
    record Resource(String type, String name, ObjectNode body) {
    }

    /**
     * @throws PluginException with what is wrong, in InfraKit's words where it had them
     */
    static TerraformProperties parse(JsonNode properties) {
        if (properties == null || !properties.isObject() || properties.isEmpty()) {
            throw new PluginException("the terraform plugin needs Properties with the instance's resource: "
                    + "{\"resource\": {\"<type>\": {\"<name>\": {...}}}}");
        }
        List<Resource> resources = new ArrayList<>();
        if (properties.has("type") || properties.has("value")) {
            resources.add(typeAndValue(properties));
        } else {
            for (Map.Entry<String, JsonNode> field : properties.properties()) {
                String key = field.getKey();
                if (!key.equals("resource")) {
                    throw new PluginException("unsupported key '" + key + "' in the terraform plugin's Properties: "
                            + "only \"resource\" (or InfraKit's earlier \"type\" and \"value\")");
                }
            }
            resourceSection(properties.get("resource"), resources);
        }
        return new TerraformProperties(List.copyOf(resources), instance(resources));
    }

    private static Resource typeAndValue(JsonNode properties) {
        JsonNode type = properties.get("type");
        JsonNode value = properties.get("value");
        if (type == null || !type.isTextual() || type.asText().isBlank()) {
            throw new PluginException("no-resource-type: Properties need a \"type\" (the resource type)");
        }
        if (!(value instanceof ObjectNode body) || body.isEmpty()) {
            throw new PluginException("no-value: Properties need a \"value\" (the resource's arguments)");
        }
        return new Resource(checkType(type.asText()), "instance", body);
    }

    private static void resourceSection(JsonNode section, List<Resource> into) {
        if (section == null || !section.isObject() || section.isEmpty()) {
            throw new PluginException("no resource section: Properties need {\"resource\": {\"<type>\": "
                    + "{\"<name>\": {...}}}}");
        }
        section.properties().forEach(byType -> {
            String type = checkType(byType.getKey());
            if (!byType.getValue().isObject() || byType.getValue().isEmpty()) {
                throw new PluginException("resource type '" + type + "' needs an object of named resources");
            }
            byType.getValue().properties().forEach(named -> {
                if (!(named.getValue() instanceof ObjectNode body)) {
                    throw new PluginException("resource " + type + "." + named.getKey() + " must be an object");
                }
                into.add(new Resource(type, checkName(named.getKey()), body));
            });
        });
    }

    private static Resource instance(List<Resource> resources) {
        List<Resource> machines = resources.stream().filter(r -> ResourceTypes.MACHINES.contains(r.type())).toList();
        if (machines.size() > 1) {
            throw new PluginException("zero or 1 vm instance per request: " + machines.size());
        }
        if (machines.size() == 1) {
            return machines.get(0);
        }
        if (resources.size() == 1) {
            return resources.get(0);
        }
        throw new PluginException("which resource is the instance? Properties hold " + resources.size()
                + " resources and none of the machine types " + new java.util.TreeSet<>(ResourceTypes.MACHINES)
                + "; give the instance's resource alone, or with resources of other types beside one of these");
    }

    private static String checkType(String type) {
        if (!type.matches("[A-Za-z][A-Za-z0-9_]*")) {
            throw new PluginException("not a resource type: '" + type + "'");
        }
        return type;
    }

    private static String checkName(String name) {
        if (!name.matches("[A-Za-z_][A-Za-z0-9_-]*")) {
            throw new PluginException("not a resource name: '" + name + "' (a letter or _, then letters, digits, _ "
                    + "or -)");
        }
        return name;
    }
}
