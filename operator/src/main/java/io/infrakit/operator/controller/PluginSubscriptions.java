package io.infrakit.operator.controller;

import io.infrakit.operator.group.GroupDefinition;
import io.infrakit.operator.policy.Admission;
import io.infrakit.plugins.PluginLookup;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens to the instance plugins the groups use, one subscription per plugin, so an instance that vanishes is
 * noticed at once, not at the next resync: a plugin's change queues every group that uses it.
 */
final class PluginSubscriptions implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PluginSubscriptions.class);

    private final SpecCache specs;
    private final PluginLookup plugins;
    private final Admission admission;
    private final Consumer<String> enqueue;
    private final Map<String, AutoCloseable> subscriptions = new ConcurrentHashMap<>();

    /** @param enqueue asks for a group to be reconciled */
    PluginSubscriptions(SpecCache specs, PluginLookup plugins, Admission admission, Consumer<String> enqueue) {
        this.specs = specs;
        this.plugins = plugins;
        this.admission = admission;
        this.enqueue = enqueue;
    }

    /** Listens to the group's instance plugin; not for a spec the policy refuses (its plugin is not even made). */
    void subscribe(String id) {
        SpecCache.Entry e = specs.get(id);
        GroupDefinition def = e == null ? null : e.definition();
        if (def == null || !admission.admits(def)) {
            return;
        }
        String plugin = def.properties().instance().plugin();
        subscriptions.computeIfAbsent(plugin, name -> {
            try {
                return plugins.instance(def.properties().instance().pluginName()).onChange(() -> groupsUsing(name));
            } catch (RuntimeException ex) {
                return null;
            }
        });
    }

    private void groupsUsing(String plugin) {
        for (String id : specs.ids()) {
            SpecCache.Entry e = specs.get(id);
            if (e != null && e.definition() != null && plugin.equals(e.definition().properties().instance().plugin())) {
                enqueue.accept(id);
            }
        }
    }

    @Override
    public void close() {
        for (AutoCloseable c : subscriptions.values()) {
            try {
                c.close();
            } catch (Exception e) {
                log.debug("closing plugin subscription: {}", e.toString());
            }
        }
        subscriptions.clear();
    }
}
