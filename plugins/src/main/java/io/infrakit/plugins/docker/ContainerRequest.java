package io.infrakit.plugins.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.infrakit.plugins.json.ObjectFields;
import io.infrakit.plugins.spi.InstanceSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The body of {@code POST /containers/create} for one instance: the group's {@code Config} as written, with the
 * instance's tags as labels and the flavor's init script as the entry script.
 *
 * <p>The init script runs first, as {@code /bin/sh -c}; the container's own command (the Config's, else the image's
 * entrypoint and command) is handed to it as {@code "$@"} and run with {@code exec} when the script ends. A script
 * that must run beside the command (start an engine, then join a cluster) starts {@code "$@"} itself and ends with
 * {@code wait} and {@code exit}.
 */
final class ContainerRequest {

    /** {@code $0} of the entry script, as {@code ps} shows it. */
    static final String ENTRY_SCRIPT_NAME = "infrakit-init";

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final Pattern CONTAINER_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]+");

    private ContainerRequest() {
    }

    /** An attached network and, when the logical ID is an address in it, the container's fixed address there. */
    record Network(String name, String ipv4Address) {
    }

    /**
     * @param imageEntrypoint the image's entrypoint (empty when it has none)
     * @param imageCmd the image's command (empty when it has none)
     * @param network the first network to attach at creation, or null for the engine's default
     */
    static ObjectNode body(DockerProperties properties, InstanceSpec spec, List<String> imageEntrypoint,
                           List<String> imageCmd, Network network) {
        ObjectNode body = properties.config().deepCopy();
        ObjectNode labels = JSON.objectNode();
        JsonNode given = take(body, "Labels");
        if (given != null && given.isObject()) {
            labels.setAll((ObjectNode) given);
        }
        properties.tags().forEach(labels::put);
        spec.tagsOrEmpty().forEach(labels::put);
        body.set("Labels", labels);

        if (!spec.init().isBlank()) {
            JsonNode entrypoint = take(body, "Entrypoint");
            JsonNode cmd = take(body, "Cmd");
            List<String> command = new ArrayList<>(entrypoint != null ? strings(entrypoint) : imageEntrypoint);
            // As with `docker run --entrypoint`, a Config entrypoint drops the image's command.
            command.addAll(cmd != null ? strings(cmd) : entrypoint != null ? List.of() : imageCmd);
            String script = command.isEmpty() ? spec.init() : spec.init() + "\nexec \"$@\"";
            body.set("Entrypoint", array(List.of("/bin/sh", "-c", script, ENTRY_SCRIPT_NAME)));
            body.set("Cmd", array(command));
        }

        JsonNode hostConfig = properties.hostConfig();
        ObjectNode host = hostConfig == null ? JSON.objectNode() : (ObjectNode) hostConfig.deepCopy();
        take(body, "HostConfig");
        if (network != null) {
            if (ObjectFields.of(host, "HostConfig", IllegalArgumentException::new).get("NetworkMode") == null) {
                host.put("NetworkMode", network.name());
            }
            ObjectNode endpoint = JSON.objectNode();
            if (network.ipv4Address() != null) {
                endpoint.putObject("IPAMConfig").put("IPv4Address", network.ipv4Address());
            }
            take(body, "NetworkingConfig");
            body.putObject("NetworkingConfig").putObject("EndpointsConfig").set(network.name(), endpoint);
        }
        body.set("HostConfig", host);
        return body;
    }

    /** The container name for a pet: its logical ID when Docker accepts it as a name, else none (engine's choice). */
    static String containerName(String logicalId) {
        return logicalId != null && CONTAINER_NAME.matcher(logicalId).matches() ? logicalId : null;
    }

    /** Labels of a create body, for tests and logs. */
    static Map<String, String> labels(ObjectNode body) {
        return ObjectFields.of(body, "Config", IllegalArgumentException::new).stringMap("Labels");
    }

    /** Removes every field named {@code name} in any case (Go decodes JSON keys case-insensitively) and returns it. */
    private static JsonNode take(ObjectNode node, String name) {
        JsonNode found = null;
        List<String> names = new ArrayList<>();
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            if (field.getKey().equalsIgnoreCase(name)) {
                names.add(field.getKey());
                found = field.getValue().isNull() ? null : field.getValue();
            }
        }
        node.remove(names);
        return found;
    }

    /** A Docker "strslice": a string or an array of strings. */
    private static List<String> strings(JsonNode value) {
        if (value.isTextual()) {
            return List.of(value.asText());
        }
        List<String> list = new ArrayList<>();
        value.forEach(v -> list.add(v.asText()));
        return list;
    }

    private static ArrayNode array(List<String> values) {
        ArrayNode array = JSON.arrayNode();
        values.forEach(array::add);
        return array;
    }
}
