package io.infrakit.plugins.fence;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.spi.InstancePlugin;
import io.infrakit.plugins.spi.InstanceSpec;
import java.util.List;
import java.util.Map;

/**
 * An instance plugin as called by the leader of one term: the calls that change instances (Provision, Label,
 * Destroy) go through the plugin's {@link TermFence}; reads go straight through.
 */
public record FencedInstancePlugin(InstancePlugin plugin, TermFence fence, long term) implements InstancePlugin {

    @Override
    public void validate(JsonNode properties) {
        plugin.validate(properties);
    }

    @Override
    public String provision(InstanceSpec spec) {
        return fence.admit(term, () -> plugin.provision(spec));
    }

    @Override
    public void label(String instanceId, Map<String, String> labels) {
        fence.admit(term, () -> {
            plugin.label(instanceId, labels);
            return null;
        });
    }

    @Override
    public void destroy(String instanceId, String reason) {
        fence.admit(term, () -> {
            plugin.destroy(instanceId, reason);
            return null;
        });
    }

    @Override
    public List<InstanceDescription> describeInstances(Map<String, String> tags, boolean properties) {
        return plugin.describeInstances(tags, properties);
    }

    @Override
    public AutoCloseable onChange(Runnable listener) {
        return plugin.onChange(listener);
    }

    @Override
    public InstancePlugin fenced(long newTerm) {
        return new FencedInstancePlugin(plugin, fence, newTerm);
    }
}
