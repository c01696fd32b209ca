package io.infrakit.operator.group;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.spi.GroupSpec;
import io.infrakit.plugins.spi.PluginName;

/**
 * A group spec whose {@code Plugin} names another Group plugin: that plugin converges it, the operator stores the
 * spec and forwards it, as InfraKit's manager does. Its {@code Properties} belong to that plugin and are not read
 * here.
 *
 * @param plugin     the group plugin's name, as the spec writes it
 * @param spec       the spec as stored
 * @param configHash a hash of the plugin's name and properties: the spec's "config" in its history
 * @param revision   the etcd mod revision of the spec key (0 before it is written)
 */
public record DelegatedGroup(String id, String plugin, GroupSpec spec, String configHash, long revision) {

    public PluginName pluginName() {
        return PluginName.parse(plugin);
    }

    /**
     * The spec as the plugin receives it: InfraKit's {@code group.Spec}, {@code {"ID":..,"Properties":..}}. The
     * {@code Plugin} member stays here: a plugin that reads it (another operator's group socket) would otherwise
     * look for a plugin of that name itself.
     */
    public GroupSpec forwarded() {
        return new GroupSpec(id, null, spec.properties());
    }

    /** The value stored in etcd: {@code ID}, {@code Plugin} and the plugin's {@code Properties} as written. */
    public String toJson() {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("ID", id);
        out.put("Plugin", plugin);
        out.set("Properties", spec.properties() == null ? JsonNodeFactory.instance.nullNode() : spec.properties());
        return Json.write(out);
    }
}
