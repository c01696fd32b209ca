package io.infrakit.plugins.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.infrakit.plugins.json.ObjectFields;
import io.infrakit.plugins.spi.PluginException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The instance properties of a {@code docker} group, in the format of InfraKit's Docker instance plugin:
 * {@code {"Tags": {...}, "Config": {...}, "HostConfig": {...}, "NetworkAttachments": [{"Name": "n", "Driver":
 * "bridge"}]}} where {@code Config} and {@code HostConfig} are the Engine API's own objects, passed to the engine as
 * written. {@code Pull} ({@code missing}, the default, {@code always} or {@code never}) says when to pull the image.
 */
record DockerProperties(Map<String, String> tags, ObjectNode config, ObjectNode hostConfig,
                        List<NetworkAttachment> networks, Pull pull) {

    /** When to pull the image before creating a container. */
    enum Pull { MISSING, ALWAYS, NEVER }

    /** A network the container joins; created (attachable) when missing. */
    record NetworkAttachment(String name, String driver) {
    }

    DockerProperties {
        tags = tags == null ? Map.of() : Map.copyOf(tags);
        config = config == null ? JsonNodeFactory.instance.objectNode() : config.deepCopy();
        hostConfig = hostConfig == null ? null : hostConfig.deepCopy();
        networks = networks == null ? List.of() : List.copyOf(networks);
        pull = pull == null ? Pull.MISSING : pull;
    }

    /**
     * @throws PluginException naming the field that is wrong
     */
    static DockerProperties parse(JsonNode properties) {
        if (properties == null || properties.isNull() || properties.isMissingNode()) {
            throw new PluginException("Properties must be set");
        }
        ObjectFields fields = ObjectFields.of(properties, "Properties", PluginException::new);
        ObjectNode config = object(fields, "Config");
        if (config == null) {
            throw new PluginException("Config should be set");
        }
        String image = ObjectFields.passedOn(config, "Properties.Config", PluginException::new).string("Image");
        if (image == null || image.isBlank()) {
            throw new PluginException("A Docker image should be specified");
        }
        List<NetworkAttachment> networks = fields.list("NetworkAttachments", n -> {
            String name = n.string("Name");
            if (name == null || name.isBlank()) {
                throw new PluginException("NetworkAttachment should have a name");
            }
            return new NetworkAttachment(name, n.string("Driver", ""));
        });
        return new DockerProperties(fields.stringMap("Tags"), config, object(fields, "HostConfig"), networks,
                pull(fields));
    }

    String image() {
        return ObjectFields.passedOn(config, "Properties.Config", PluginException::new).string("Image");
    }

    private static ObjectNode object(ObjectFields fields, String name) {
        JsonNode value = fields.get(name);
        if (value == null) {
            return null;
        }
        if (!value.isObject()) {
            throw fields.fail(name, "must be an object, got " + ObjectFields.kind(value));
        }
        return (ObjectNode) value;
    }

    private static Pull pull(ObjectFields fields) {
        String text = fields.string("Pull");
        if (text == null || text.isBlank()) {
            return Pull.MISSING;
        }
        try {
            return Pull.valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw fields.fail("Pull", "must be \"missing\", \"always\" or \"never\", got \"" + text + "\"");
        }
    }
}
