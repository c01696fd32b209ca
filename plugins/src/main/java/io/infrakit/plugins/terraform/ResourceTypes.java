package io.infrakit.plugins.terraform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Where an instance's tags and init script go in a resource, by resource type: InfraKit's rules for the machine
 * types it knew, {@code input} for {@code terraform_data} (the one resource every OpenTofu and Terraform has
 * built in), and a {@code tags} map for any other type.
 */
final class ResourceTypes {

    static final String AWS = "aws_instance";
    static final String AZURE = "azurerm_virtual_machine";
    static final String DIGITAL_OCEAN = "digitalocean_droplet";
    static final String GOOGLE = "google_compute_instance";
    static final String SOFTLAYER = "softlayer_virtual_guest";
    static final String DATA = "terraform_data";

    /** InfraKit's machine types: among several resources, the one of these is the instance. */
    static final Set<String> MACHINES = Set.of(AWS, AZURE, DIGITAL_OCEAN, GOOGLE, SOFTLAYER);

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ResourceTypes() {
    }

    /**
     * Merges tags into the resource: {@code tags} as a map, as a list of {@code key:value} (SoftLayer, lowercased
     * as it requires), or {@code input.tags} for {@code terraform_data}.
     */
    static void addTags(String type, ObjectNode body, Map<String, String> tags) {
        switch (type) {
            case SOFTLAYER -> {
                Map<String, String> merged = listTags(body.get("tags"));
                merged.putAll(tags);
                ArrayNode list = NODES.arrayNode();
                merged.forEach((k, v) -> list.add((v.isEmpty() ? k : k + ":" + v).toLowerCase(Locale.ROOT)));
                body.set("tags", list);
            }
            case DATA -> mapNode(input(body), "tags").setAll(textNodes(tags));
            default -> mapNode(body, "tags").setAll(textNodes(tags));
        }
    }

    /**
     * The tags a resource carries, read from its configuration or from its attributes in the state (where
     * {@code terraform_data}'s {@code input} is kept with its type beside it).
     */
    static Map<String, String> tags(String type, JsonNode body) {
        return switch (type) {
            case SOFTLAYER -> listTags(body.get("tags"));
            case DATA -> mapTags(unwrap(body.path("input")).get("tags"));
            default -> mapTags(body.get("tags"));
        };
    }

    /**
     * Appends the init script where the machine type takes it (user data, custom data, startup script), as
     * InfraKit does; for {@code terraform_data} it becomes {@code input.init}. Other types have no place for it.
     *
     * @return false when the type has no place for an init script
     */
    static boolean addInit(String type, ObjectNode body, String init) {
        switch (type) {
            case AWS, DIGITAL_OCEAN -> {
                append(body, "user_data", init);
                body.put("user_data", Base64.getEncoder().encodeToString(
                        body.get("user_data").asText().getBytes(StandardCharsets.UTF_8)));
            }
            case SOFTLAYER -> append(body, "user_metadata", init);
            case AZURE -> append(mapNode(body, "os_profile"), "custom_data", init);
            case GOOGLE -> append(body, "metadata_startup_script", init);
            case DATA -> input(body).put("init", init);
            default -> {
                return false;
            }
        }
        return true;
    }

    /**
     * What else InfraKit filled in: an AWS {@code private_ip} of {@code "INSTANCE_LOGICAL_ID"} becomes the logical
     * ID (or is dropped for cattle); a SoftLayer {@code hostname} is the logical ID or the name, after an optional
     * {@code @hostname_prefix}. For {@code terraform_data}, {@code input} gets the instance and logical IDs.
     */
    static void addIdentity(String type, ObjectNode body, String id, String logicalId) {
        switch (type) {
            case AWS -> {
                if ("INSTANCE_LOGICAL_ID".equals(body.path("private_ip").asText(null))) {
                    if (logicalId != null) {
                        body.put("private_ip", logicalId);
                    } else {
                        body.remove("private_ip");
                    }
                }
            }
            case SOFTLAYER -> {
                String hostname = logicalId != null ? logicalId : id;
                String prefix = body.path("@hostname_prefix").isTextual() ? body.get("@hostname_prefix").asText().strip()
                        : "";
                body.remove("@hostname_prefix");
                body.put("hostname", prefix.isEmpty() ? hostname : prefix + "-" + hostname.replace("instance-", ""));
            }
            case DATA -> {
                ObjectNode input = input(body);
                input.put("instance_id", id);
                input.put("logical_id", logicalId == null ? "" : logicalId);
            }
            default -> {
                // nothing more to fill in
            }
        }
    }

    /** {@code terraform_data}'s {@code input}, made an object when absent. */
    private static ObjectNode input(ObjectNode body) {
        JsonNode input = body.get("input");
        if (input != null && !input.isObject() && !input.isNull()) {
            throw new IllegalArgumentException("terraform_data's \"input\" must be an object: the instance's tags, "
                    + "init script and IDs are added to it");
        }
        return mapNode(body, "input");
    }

    /** The state keeps a dynamically typed attribute as {"value": ..., "type": ...}. */
    private static JsonNode unwrap(JsonNode attribute) {
        if (attribute.isObject() && attribute.size() == 2 && attribute.has("value") && attribute.has("type")) {
            return attribute.get("value");
        }
        return attribute;
    }

    private static ObjectNode mapNode(ObjectNode parent, String field) {
        JsonNode existing = parent.get(field);
        if (existing instanceof ObjectNode object) {
            return object;
        }
        return parent.putObject(field);
    }

    private static void append(ObjectNode body, String field, String init) {
        JsonNode existing = body.get(field);
        body.put(field, existing == null || existing.isNull() ? init : existing.asText() + "\n" + init);
    }

    private static Map<String, JsonNode> textNodes(Map<String, String> tags) {
        Map<String, JsonNode> nodes = new LinkedHashMap<>();
        tags.forEach((k, v) -> nodes.put(k, NODES.textNode(v)));
        return nodes;
    }

    private static Map<String, String> mapTags(JsonNode tags) {
        Map<String, String> out = new LinkedHashMap<>();
        if (tags != null && tags.isObject()) {
            tags.properties().forEach(e -> out.put(e.getKey(), e.getValue().isValueNode()
                    ? e.getValue().asText() : e.getValue().toString()));
        }
        return out;
    }

    /** {@code ["key:value", "flag"]}: split at the first colon, a bare word is a tag with an empty value. */
    private static Map<String, String> listTags(JsonNode tags) {
        Map<String, String> out = new LinkedHashMap<>();
        if (tags != null && tags.isArray()) {
            for (JsonNode t : tags) {
                String line = t.asText();
                int colon = line.indexOf(':');
                if (colon > 0) {
                    out.put(line.substring(0, colon), line.substring(colon + 1));
                } else {
                    out.put(line, "");
                }
            }
        }
        return out;
    }
}
