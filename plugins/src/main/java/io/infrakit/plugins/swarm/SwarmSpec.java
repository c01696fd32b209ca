package io.infrakit.plugins.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.plugins.json.ObjectFields;
import io.infrakit.plugins.spi.Attachment;
import io.infrakit.plugins.spi.PluginException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The swarm flavor's properties, as InfraKit wrote them:
 * <pre>{@code
 * {"InitScriptTemplateURL": "file:///path/init.sh", "SwarmJoinIP": "192.168.2.200",
 *  "Docker": {"Host": "tcp://192.168.2.200:2375", "TLS": {"CAFile": "", "CertFile": "", "KeyFile": "",
 *             "InsecureSkipVerify": false}},
 *  "EngineLabels": {"k": "v"},
 *  "Attachments": {"192.168.2.200": [{"ID": "vol-1", "Type": "ebs"}], "*": [...]}}
 * }</pre>
 * Absent strings are {@code ""}, absent maps empty; {@code docker.tls} is null when there is no {@code TLS} object.
 */
record SwarmSpec(String initScriptTemplateUrl, String swarmJoinIp, Docker docker, Map<String, String> engineLabels,
                 Map<String, List<Attachment>> attachments) {

    /** The attachment key that applies to every instance. */
    static final String ANY_INSTANCE = "*";

    SwarmSpec {
        initScriptTemplateUrl = initScriptTemplateUrl == null ? "" : initScriptTemplateUrl;
        swarmJoinIp = swarmJoinIp == null ? "" : swarmJoinIp;
        docker = docker == null ? new Docker("", null) : docker;
        engineLabels = engineLabels == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(engineLabels));
        attachments = attachments == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(attachments));
    }

    /** Where the swarm's manager engine is: InfraKit's {@code docker.ConnectInfo}. Also the client cache's key. */
    record Docker(String host, Tls tls) {
        Docker {
            host = host == null ? "" : host;
        }

        /** Whether the properties say how to reach an engine at all. */
        boolean given() {
            return !host.isEmpty() || tls != null;
        }

        /**
         * The same connection to another machine: {@code tcp://10.0.0.1:2375} at {@code 10.0.0.2} is
         * {@code tcp://10.0.0.2:2375}, with the same TLS files. Null when the host is not a network address (a Unix
         * socket, or none: the local engine), which names no other machine's engine.
         */
        Docker atHost(String otherHost) {
            if (otherHost == null || otherHost.isBlank()) {
                return null;
            }
            URI uri;
            try {
                uri = new URI(host);
            } catch (URISyntaxException e) {
                return null;
            }
            if (uri.getScheme() == null || uri.getHost() == null || "unix".equalsIgnoreCase(uri.getScheme())
                    || "npipe".equalsIgnoreCase(uri.getScheme())) {
                return null;
            }
            String bare = otherHost.startsWith("[") && otherHost.endsWith("]")
                    ? otherHost.substring(1, otherHost.length() - 1) : otherHost;
            String hostPart = bare.contains(":") ? "[" + bare + "]" : bare;
            return new Docker(uri.getScheme() + "://" + hostPart + (uri.getPort() < 0 ? "" : ":" + uri.getPort()), tls);
        }
    }

    /** PEM files for a TLS connection; InfraKit's {@code tlsconfig.Options}. */
    record Tls(String caFile, String certFile, String keyFile, boolean insecureSkipVerify) {
        Tls {
            caFile = caFile == null ? "" : caFile;
            certFile = certFile == null ? "" : certFile;
            keyFile = keyFile == null ? "" : keyFile;
        }
    }

    /** The attachments for an instance: those listed under its logical ID, then those under {@code "*"}. */
    List<Attachment> attachmentsFor(String logicalId) {
        List<Attachment> own = logicalId == null ? List.of() : attachments.getOrDefault(logicalId, List.of());
        List<Attachment> all = attachments.getOrDefault(ANY_INSTANCE, List.of());
        if (all.isEmpty()) {
            return own;
        }
        List<Attachment> both = new ArrayList<>(own);
        both.addAll(all);
        return List.copyOf(both);
    }

    /**
     * Decodes the properties as Go decodes them into the flavor's struct: keys in any case, unknown keys ignored.
     *
     * @throws PluginException naming the field with the wrong type
     */
    static SwarmSpec parse(JsonNode properties) {
        if (properties == null || properties.isNull()) {
            return new SwarmSpec(null, null, null, null, null);
        }
        ObjectFields f = ObjectFields.of(properties, "Properties", PluginException::new);
        return new SwarmSpec(f.string("InitScriptTemplateURL"), f.string("SwarmJoinIP"), docker(f.object("Docker")),
                f.stringMap("EngineLabels"), attachments(f));
    }

    private static Docker docker(ObjectFields d) {
        if (d == null) {
            return null;
        }
        ObjectFields t = d.object("TLS");
        Tls tls = null;
        if (t != null) {
            JsonNode insecure = t.get("InsecureSkipVerify");
            if (insecure != null && !insecure.isBoolean()) {
                throw t.fail("InsecureSkipVerify", "must be true or false, got " + ObjectFields.kind(insecure));
            }
            tls = new Tls(t.string("CAFile"), t.string("CertFile"), t.string("KeyFile"),
                    insecure != null && insecure.booleanValue());
        }
        return new Docker(d.string("Host"), tls);
    }

    private static Map<String, List<Attachment>> attachments(ObjectFields f) {
        JsonNode v = f.get("Attachments");
        if (v == null) {
            return null;
        }
        if (!v.isObject()) {
            throw f.fail("Attachments", "must be an object of attachment lists, got " + ObjectFields.kind(v));
        }
        Map<String, List<Attachment>> map = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : v.properties()) {
            String at = f.pathOf("Attachments") + "." + e.getKey();
            JsonNode list = e.getValue();
            if (list.isNull()) {
                map.put(e.getKey(), List.of());
                continue;
            }
            if (!list.isArray()) {
                throw new PluginException(at + " must be an array of objects, got " + ObjectFields.kind(list));
            }
            List<Attachment> parsed = new ArrayList<>(list.size());
            int i = 0;
            for (JsonNode item : list) {
                ObjectFields a = ObjectFields.of(item, at + "[" + i++ + "]", PluginException::new);
                parsed.add(new Attachment(a.string("ID", ""), a.string("Type", "")));
            }
            map.put(e.getKey(), List.copyOf(parsed));
        }
        return map;
    }
}
