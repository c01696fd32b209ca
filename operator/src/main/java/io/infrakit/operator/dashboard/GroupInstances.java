package io.infrakit.operator.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.infrakit.operator.dashboard.ClusterView.Kind;
import io.infrakit.operator.group.GroupDefinition;
import io.infrakit.operator.group.Planner;
import io.infrakit.operator.group.SpecException;
import io.infrakit.operator.group.SpecValidator;
import io.infrakit.plugins.PluginLookup;
import io.infrakit.plugins.group.Tags;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.spi.PluginName;
import io.infrakit.store.KeyValue;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A group's instances, asked of its instance plugin by the group's tag, as {@code infrakit group describe} does
 * (the infrastructure is the truth for instances; etcd holds none): the plugin the spec names, or, when the spec
 * is gone or invalid, the one the status remembers. Each instance says whether it is at the spec's config.
 */
final class GroupInstances {

    private final ClusterView view;
    private final PluginLookup plugins;

    GroupInstances(ClusterView view, PluginLookup plugins) {
        this.view = view;
        this.plugins = plugins;
    }

    /** Null when the group is unknown. Calls the plugin: not on the watch's thread. */
    ObjectNode describe(String id) {
        Optional<KeyValue> spec = view.get(Kind.SPEC, id);
        JsonNode status = view.get(Kind.STATUS, id).map(kv -> GroupDocuments.parseOrNull(kv.value())).orElse(null);
        if (spec.isEmpty() && status == null) {
            return null;
        }
        String plugin = status == null ? null : status.path("InstancePlugin").asText(null);
        String configSha = status == null ? null : status.path("ConfigSHA").asText(null);
        if (spec.isPresent()) {
            try {
                GroupDefinition def = SpecValidator.parse(id, spec.get().value(), spec.get().modRevision());
                plugin = def.properties().instance().plugin();
                configSha = def.configHash();
            } catch (SpecException e) {
                // the plugin and config the status remembers
            }
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode().put("ID", id).put("Plugin", plugin)
                .put("ConfigSHA", configSha);
        ArrayNode list = out.putArray("Instances");
        if (plugin == null) {
            out.put("Error", "no instance plugin is known for " + id);
            return out;
        }
        List<InstanceDescription> instances;
        try {
            instances = plugins.instance(PluginName.parse(plugin)).describeInstances(Map.of(Tags.GROUP, id), false);
        } catch (RuntimeException e) {
            out.put("Error", "DescribeInstances on " + plugin + " failed: " + e.getMessage());
            return out;
        }
        for (InstanceDescription d : instances) {
            String sha = Planner.configHash(d);
            ObjectNode i = list.addObject().put("ID", d.id()).put("LogicalID", Planner.logicalId(d))
                    .put("ConfigSHA", sha).put("OutOfDate", configSha != null && !configSha.equals(sha));
            ObjectNode tags = i.putObject("Tags");
            new TreeMap<>(d.tagsOrEmpty()).forEach(tags::put);
        }
        return out;
    }
}
