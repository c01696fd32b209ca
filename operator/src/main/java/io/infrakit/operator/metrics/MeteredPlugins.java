package io.infrakit.operator.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.plugins.PluginLookup;
import io.infrakit.plugins.json.KeyAudit;
import io.infrakit.plugins.spi.Allocation;
import io.infrakit.plugins.spi.FlavorPlugin;
import io.infrakit.plugins.spi.GroupDescription;
import io.infrakit.plugins.spi.GroupPlugin;
import io.infrakit.plugins.spi.GroupSpec;
import io.infrakit.plugins.spi.Health;
import io.infrakit.plugins.spi.Index;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.spi.InstancePlugin;
import io.infrakit.plugins.spi.InstanceSpec;
import io.infrakit.plugins.spi.PluginName;
import java.util.List;
import java.util.Map;

/** A {@link PluginLookup} whose plugins time every call (see {@link PluginCallMeters}). */
final class MeteredPlugins implements PluginLookup {

    private final PluginLookup plugins;
    private final PluginCallMeters meters;

    MeteredPlugins(PluginLookup plugins, PluginCallMeters meters) {
        this.plugins = plugins;
        this.meters = meters;
    }

    @Override
    public InstancePlugin instance(PluginName name) {
        return new Instance(plugins.instance(name), name.lookup(), meters);
    }

    @Override
    public FlavorPlugin flavor(PluginName name) {
        return new Flavor(plugins.flavor(name), name.lookup(), meters);
    }

    @Override
    public GroupPlugin group(PluginName name) {
        return new Group(plugins.group(name), name.lookup(), meters);
    }

    private record Instance(InstancePlugin plugin, String name, PluginCallMeters meters) implements InstancePlugin {

        @Override
        public void validate(JsonNode properties) {
            meters.run(name, "Instance.Validate", () -> plugin.validate(properties));
        }

        @Override
        public List<KeyAudit.UnknownKey> unknownKeys(JsonNode properties) {
            return plugin.unknownKeys(properties); // in-process, no wire call: nothing to time
        }

        @Override
        public String provision(InstanceSpec spec) {
            return meters.time(name, "Instance.Provision", () -> plugin.provision(spec));
        }

        @Override
        public void label(String instanceId, Map<String, String> labels) {
            meters.run(name, "Instance.Label", () -> plugin.label(instanceId, labels));
        }

        @Override
        public void destroy(String instanceId, String reason) {
            meters.run(name, "Instance.Destroy", () -> plugin.destroy(instanceId, reason));
        }

        @Override
        public List<InstanceDescription> describeInstances(Map<String, String> tags, boolean properties) {
            return meters.time(name, "Instance.DescribeInstances", () -> plugin.describeInstances(tags, properties));
        }

        @Override
        public AutoCloseable onChange(Runnable listener) {
            return plugin.onChange(listener);
        }

        @Override
        public InstancePlugin fenced(long term) {
            return new Instance(plugin.fenced(term), name, meters);
        }
    }

    private record Flavor(FlavorPlugin plugin, String name, PluginCallMeters meters) implements FlavorPlugin {

        @Override
        public void validate(JsonNode properties, Allocation allocation) {
            meters.run(name, "Flavor.Validate", () -> plugin.validate(properties, allocation));
        }

        @Override
        public List<KeyAudit.UnknownKey> unknownKeys(JsonNode properties) {
            return plugin.unknownKeys(properties);
        }

        @Override
        public InstanceSpec prepare(JsonNode properties, InstanceSpec spec, Allocation allocation, Index index) {
            return meters.time(name, "Flavor.Prepare", () -> plugin.prepare(properties, spec, allocation, index));
        }

        @Override
        public Health healthy(JsonNode properties, InstanceDescription instance) {
            return meters.time(name, "Flavor.Healthy", () -> plugin.healthy(properties, instance));
        }

        @Override
        public void drain(JsonNode properties, InstanceDescription instance) {
            meters.run(name, "Flavor.Drain", () -> plugin.drain(properties, instance));
        }

        @Override
        public List<String> notes(String group, JsonNode properties, Allocation allocation) {
            return plugin.notes(group, properties, allocation); // in-process, no wire call: nothing to time
        }
    }

    private record Group(GroupPlugin plugin, String name, PluginCallMeters meters) implements GroupPlugin {

        @Override
        public String commitGroup(GroupSpec spec, boolean pretend) {
            return meters.time(name, "Group.CommitGroup", () -> plugin.commitGroup(spec, pretend));
        }

        @Override
        public void freeGroup(String id) {
            meters.run(name, "Group.FreeGroup", () -> plugin.freeGroup(id));
        }

        @Override
        public GroupDescription describeGroup(String id) {
            return meters.time(name, "Group.DescribeGroup", () -> plugin.describeGroup(id));
        }

        @Override
        public void destroyGroup(String id) {
            meters.run(name, "Group.DestroyGroup", () -> plugin.destroyGroup(id));
        }

        @Override
        public List<GroupSpec> inspectGroups() {
            return meters.time(name, "Group.InspectGroups", plugin::inspectGroups);
        }
    }
}
