package io.infrakit.plugins.maas;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.plugins.json.ObjectFields;
import io.infrakit.plugins.spi.PluginException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The instance properties of a {@code maas} group: {@code {"Constraints": {"tags": "ssd", "zone": "rack-2",
 * "mem": 4096}, "DistroSeries": "jammy"}}. Constraints are MAAS's own allocation parameters, passed as written (a
 * number as its text, a list as repeated fields); {@code DistroSeries} is the OS to deploy (MAAS's default when
 * absent). InfraKit's {@code {}} is valid: any ready machine, MAAS's default OS.
 */
record MaasProperties(Map<String, List<String>> constraints, String distroSeries) {

    MaasProperties {
        constraints = Map.copyOf(constraints);
    }

    /**
     * @throws PluginException naming the field that is wrong
     */
    static MaasProperties parse(JsonNode properties) {
        if (properties == null || properties.isNull() || properties.isMissingNode()) {
            return new MaasProperties(Map.of(), "");
        }
        ObjectFields f = ObjectFields.of(properties, "Properties", PluginException::new);
        Map<String, List<String>> constraints = new LinkedHashMap<>();
        JsonNode c = f.get("Constraints");
        if (c != null) {
            if (!c.isObject()) {
                throw f.fail("Constraints", "must be an object, got " + ObjectFields.kind(c));
            }
            for (Map.Entry<String, JsonNode> e : c.properties()) {
                constraints.put(e.getKey(), values(e.getKey(), e.getValue()));
            }
        }
        return new MaasProperties(constraints, f.string("DistroSeries", ""));
    }

    private static List<String> values(String name, JsonNode v) {
        List<String> out = new ArrayList<>();
        if (v.isArray()) {
            for (JsonNode item : v) {
                out.add(scalar(name, item));
            }
        } else {
            out.add(scalar(name, v));
        }
        return out;
    }

    private static String scalar(String name, JsonNode v) {
        if (v.isTextual() || v.isNumber() || v.isBoolean()) {
            return v.asText();
        }
        throw new PluginException("Properties.Constraints." + name + " must be a string, number, boolean or a list "
                + "of them, got " + ObjectFields.kind(v));
    }
}
