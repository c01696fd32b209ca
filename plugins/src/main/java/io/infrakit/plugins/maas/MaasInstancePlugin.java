package io.infrakit.plugins.maas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.infrakit.plugins.group.Tags;
import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.json.KeyAudit;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.spi.InstancePlugin;
import io.infrakit.plugins.spi.InstanceSpec;
import io.infrakit.plugins.spi.PluginException;
import io.infrakit.plugins.spi.TagMatch;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code maas} instance plugin: each instance is a machine of a MAAS server (bare metal, or whatever MAAS
 * manages), allocated and deployed through MAAS's REST API, released on destroy. The flavor's init script is the
 * deployment's user data, which cloud-init runs on the machine's first boot. InfraKit's tags are kept on the
 * machine as MAAS tags ({@link MaasTags}); they are the only state, so instances are found again by any plugin
 * on the same MAAS. There is no change notification: the controller's resync notices machines that went away.
 *
 * <p>A machine MAAS reports in a state other than allocated, deploying or deployed (a failed deployment, one
 * released by hand) is not an instance; in its group's own listing it is released when still ours and untagged.
 */
public final class MaasInstancePlugin implements InstancePlugin {

    private static final Logger LOG = LoggerFactory.getLogger(MaasInstancePlugin.class);
    /** MAAS's status names of a machine that is ours and alive. */
    private static final Set<String> LIVE = Set.of("Allocated", "Deploying", "Deployed");
    /** Status names of a machine still allocated to us although it failed. */
    private static final Set<String> FAILED = Set.of("Failed deployment");
    static final String AGENT_NAME = "infrakit";

    private final MaasClient client;
    private final MaasVersion version;

    MaasInstancePlugin(MaasClient client, MaasVersion version) {
        this.client = client;
        this.version = version;
    }

    /**
     * A plugin on the MAAS at {@code settings.url()} (e.g. {@code http://maas:5240/MAAS}), its API key read from
     * {@code settings.apiKeyFile()}.
     *
     * @throws PluginException when a setting is missing or wrong, or the key file cannot be read
     */
    public static MaasInstancePlugin connect(MaasSettings settings) {
        if (settings.url() == null || settings.url().isBlank() || settings.apiKeyFile() == null) {
            throw new PluginException("the maas plugin needs a MAAS URL and an API key file (--maas-url URL"
                    + " --maas-api-key-file FILE)");
        }
        MaasVersion version;
        try {
            version = MaasVersion.of(settings.apiVersion());
        } catch (IllegalArgumentException e) {
            throw new PluginException(e.getMessage(), e);
        }
        String key;
        try {
            key = Files.readString(settings.apiKeyFile(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new PluginException("cannot read the MAAS API key from " + settings.apiKeyFile() + ": " + e, e);
        }
        String base = settings.url().endsWith("/") ? settings.url() : settings.url() + "/";
        URI api;
        try {
            api = URI.create(base + "api/" + version.number() + "/");
        } catch (IllegalArgumentException e) {
            throw new PluginException("not a MAAS URL: " + settings.url(), e);
        }
        return new MaasInstancePlugin(new MaasClient(api, ApiKey.parse(key), Clock.systemUTC()), version);
    }

    @Override
    public List<KeyAudit.UnknownKey> unknownKeys(JsonNode properties) {
        return KeyAudit.of(() -> MaasProperties.parse(properties));
    }

    @Override
    public void validate(JsonNode properties) {
        MaasProperties.parse(properties);
    }

    /** Allocate, tag, deploy; a machine that was allocated is released again when a later step fails. */
    @Override
    public String provision(InstanceSpec spec) {
        MaasProperties props = MaasProperties.parse(spec.properties());
        Map<String, List<String>> constraints = new LinkedHashMap<>(props.constraints());
        constraints.putIfAbsent("agent_name", List.of(AGENT_NAME));
        JsonNode machine;
        try {
            machine = client.call(version.allocate(constraints));
        } catch (MaasException e) {
            if (e.status() == 409) {
                throw new PluginException("no ready machine in MAAS matches " + props.constraints() + " ("
                        + e.getMessage() + ")", e);
            }
            throw e;
        }
        String id = machine == null ? "" : machine.path("system_id").asText("");
        if (id.isEmpty()) {
            throw new PluginException("MAAS allocated a machine but did not say which: " + machine);
        }
        try {
            tag(id, spec.tagsOrEmpty());
            String userData = spec.init().isEmpty() ? null
                    : Base64.getEncoder().encodeToString(spec.init().getBytes(StandardCharsets.UTF_8));
            client.call(version.deploy(id, userData, props.distroSeries()));
        } catch (RuntimeException e) {
            LOG.warn("deploying machine {} failed; releasing it: {}", id, e.getMessage());
            quietly(() -> release(id, ourTags(tagsByName(), machine(id)).values()));
            throw e;
        }
        LOG.info("allocated and deployed machine {} ({})", id, machine.path("hostname").asText("?"));
        return id;
    }

    /** Adds the labels as tags; a tag with the same key and another value is taken off. */
    @Override
    public void label(String instanceId, Map<String, String> labels) {
        Map<String, MaasTags.Tag> ours = ourTags(tagsByName(), machine(instanceId));
        for (Map.Entry<String, String> l : labels.entrySet()) {
            for (MaasTags.Tag old : ours.values()) {
                if (old.key().equals(l.getKey()) && !old.value().equals(l.getValue())) {
                    client.call(version.updateNodes(old.name(), List.of(), List.of(instanceId)));
                }
            }
        }
        tag(instanceId, labels);
    }

    /** Aborts a deployment in progress, releases the machine, then takes InfraKit's tags off it. */
    @Override
    public void destroy(String instanceId, String reason) {
        JsonNode machine = machine(instanceId);
        if ("Deploying".equals(machine.path("status_name").asText())) {
            quietly(() -> client.call(version.abort(instanceId)));
        }
        release(instanceId, ourTags(tagsByName(), machine).values());
        LOG.info("released machine {} ({})", instanceId, reason);
    }

    @Override
    public List<InstanceDescription> describeInstances(Map<String, String> tags, boolean properties) {
        boolean reap = tags.containsKey(Tags.GROUP);
        Map<String, MaasTags.Tag> known = tagsByName();
        JsonNode machines = client.call(version.list());
        List<InstanceDescription> found = new ArrayList<>();
        for (JsonNode m : machines == null ? Json.mapper().createArrayNode() : machines) {
            Map<String, MaasTags.Tag> ours = ourTags(known, m);
            if (ours.isEmpty()) {
                continue;
            }
            Map<String, String> instanceTags = new LinkedHashMap<>();
            ours.values().forEach(t -> instanceTags.put(t.key(), t.value()));
            if (!TagMatch.matches(instanceTags, tags)) {
                continue;
            }
            String id = m.path("system_id").asText();
            String status = m.path("status_name").asText(null);
            if (status != null && !LIVE.contains(status)) {
                if (reap) {
                    LOG.warn("machine {} is {}: not an instance any more; {}", id, status,
                            FAILED.contains(status) ? "releasing it" : "taking InfraKit's tags off it");
                    quietly(() -> {
                        if (FAILED.contains(status)) {
                            client.call(version.release(id));
                        }
                        untag(id, ours.values());
                    });
                }
                continue;
            }
            found.add(new InstanceDescription(id, instanceTags.get(Tags.LOGICAL_ID), instanceTags,
                    properties ? describe(m) : null));
        }
        found.sort(Comparator.comparing(InstanceDescription::id));
        return found;
    }

    private static ObjectNode describe(JsonNode m) {
        ObjectNode p = Json.mapper().createObjectNode();
        for (String field : List.of("hostname", "status_name", "zone", "ip_addresses", "osystem", "distro_series",
                "power_state")) {
            if (m.has(field)) {
                p.set(field, m.get(field));
            }
        }
        return p;
    }

    private JsonNode machine(String id) {
        if (id == null || !id.matches("[A-Za-z0-9_-]+")) {
            throw new PluginException("not a MAAS system ID: " + id);
        }
        try {
            JsonNode m = client.call(version.read(id));
            if (m == null || !m.isObject()) {
                throw new PluginException("MAAS has no machine " + id);
            }
            return m;
        } catch (MaasException e) {
            if (e.status() == 404) {
                throw new PluginException("MAAS has no machine " + id, e);
            }
            throw e;
        }
    }

    /** Releases the machine (one gone or released already is fine), then takes InfraKit's tags off it. */
    private void release(String id, Collection<MaasTags.Tag> ours) {
        try {
            client.call(version.release(id));
        } catch (MaasException e) {
            if (e.status() != 404 && e.status() != 409) {
                throw e;
            }
            LOG.debug("release of {}: {}", id, e.getMessage());
        }
        untag(id, ours);
    }

    /** Puts the tags on a machine, making the MAAS tags that do not exist yet. */
    private void tag(String id, Map<String, String> tags) {
        if (tags.isEmpty()) {
            return;
        }
        Map<String, MaasTags.Tag> known = tagsByName();
        for (Map.Entry<String, String> e : tags.entrySet()) {
            MaasTags.Tag tag = MaasTags.of(e.getKey(), e.getValue());
            if (!known.containsKey(tag.name())) {
                client.call(version.newTag(tag.name(), tag.comment()));
            }
            client.call(version.updateNodes(tag.name(), List.of(id), List.of()));
        }
    }

    private void untag(String id, Collection<MaasTags.Tag> tags) {
        for (MaasTags.Tag t : tags) {
            client.call(version.updateNodes(t.name(), List.of(), List.of(id)));
        }
    }

    /** Every MAAS tag that stands for an InfraKit tag, by name. */
    private Map<String, MaasTags.Tag> tagsByName() {
        Map<String, MaasTags.Tag> byName = new HashMap<>();
        JsonNode all = client.call(version.tags());
        if (all != null) {
            for (JsonNode t : all) {
                MaasTags.decode(t.path("name").asText(null), t.path("comment").asText(null))
                        .ifPresent(tag -> byName.put(tag.name(), tag));
            }
        }
        return byName;
    }

    /** The machine's tags that stand for InfraKit tags ({@code tag_names} holds names, or tag objects in tests). */
    private static Map<String, MaasTags.Tag> ourTags(Map<String, MaasTags.Tag> known, JsonNode machine) {
        Map<String, MaasTags.Tag> ours = new LinkedHashMap<>();
        for (JsonNode t : machine.path("tag_names")) {
            String name = t.isTextual() ? t.asText() : t.path("name").asText(null);
            MaasTags.Tag tag = name == null ? null : known.get(name);
            if (tag != null) {
                ours.put(name, tag);
            }
        }
        return ours;
    }

    private static void quietly(Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            LOG.warn("MAAS: {}", e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "MaasInstancePlugin[" + client.api() + "]";
    }

    /** Where the MAAS is and how to sign in. */
    public record MaasSettings(String url, Path apiKeyFile, String apiVersion) {

        public MaasSettings {
            apiVersion = apiVersion == null || apiVersion.isBlank() ? MaasVersion.V2_0.number() : apiVersion;
        }
    }
}
