package io.infrakit.plugins.vagrant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.infrakit.plugins.spi.PluginException;

/**
 * A group's instance properties, InfraKit's: {@code Box} (required, "Property 'Box' must be set"), {@code CPUs}
 * (default 2) and {@code Memory} in MB (default 512); and for the docker provider {@code Image} (default: the Box),
 * and {@code Provider} to choose one ({@code vagrant up --provider}). Every property is there for a template to use.
 *
 * @param all the properties with the defaults filled in, for the template
 */
record VagrantProperties(ObjectNode all, String provider) {

    static VagrantProperties parse(JsonNode properties) {
        if (properties != null && !properties.isNull() && !properties.isObject()) {
            throw new PluginException("Invalid instance properties: not an object: " + properties);
        }
        ObjectNode all = properties == null || properties.isNull() ? JsonNodeFactory.instance.objectNode()
                : ((ObjectNode) properties).deepCopy();
        String box = text(all, "Box");
        String image = text(all, "Image");
        if (box.isEmpty() && image.isEmpty()) {
            throw new PluginException("Property 'Box' must be set (or 'Image' for the docker provider)");
        }
        if (image.isEmpty()) {
            all.put("Image", box);
        }
        positive(all, "CPUs", 2);
        positive(all, "Memory", 512);
        String provider = text(all, "Provider");
        if (!provider.isEmpty() && !provider.matches("[a-z][a-z0-9_-]*")) {
            throw new PluginException("Property 'Provider' is not a provider name: " + provider);
        }
        return new VagrantProperties(all, provider.isEmpty() ? null : provider);
    }

    private static String text(ObjectNode all, String field) {
        JsonNode v = all.get(field);
        if (v == null || v.isNull()) {
            return "";
        }
        if (!v.isTextual()) {
            throw new PluginException("Property '" + field + "' must be a string, not " + v);
        }
        return v.asText().strip();
    }

    private static void positive(ObjectNode all, String field, int fallback) {
        JsonNode v = all.get(field);
        if (v == null || v.isNull()) {
            all.put(field, fallback);
        } else if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() <= 0) {
            throw new PluginException("Property '" + field + "' must be a positive whole number, not " + v);
        }
    }
}
