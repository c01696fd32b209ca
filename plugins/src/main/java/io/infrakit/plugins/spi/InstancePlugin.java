package io.infrakit.plugins.spi;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.plugins.json.KeyAudit;
import java.util.List;
import java.util.Map;

/**
 * Provisions, lists and destroys machines: InfraKit's Instance SPI. Implementations must make a provisioned
 * instance visible to {@link #describeInstances} as soon as {@link #provision} returns, so that a controller never
 * provisions twice for one gap.
 */
public interface InstancePlugin {

    /** Checks the opaque instance properties of a group spec; throws {@link PluginException} when they are wrong. */
    void validate(JsonNode properties);

    /**
     * Keys of the properties that this plugin does not know: typos that InfraKit ignores ({@code Intt} for
     * {@code Init}). Empty when it cannot tell (a plugin in another process: InfraKit's protocol has no such call).
     */
    default List<KeyAudit.UnknownKey> unknownKeys(JsonNode properties) {
        return List.of();
    }

    /** Creates an instance and returns its ID. */
    String provision(InstanceSpec spec);

    /** Merges labels into the instance's tags. */
    void label(String instanceId, Map<String, String> labels);

    /** Destroys an instance. The reason is informational ("rolling_update", "terminate"). */
    void destroy(String instanceId, String reason);

    /** Every instance whose tags include all the given tags; with {@code properties}, their current state too. */
    List<InstanceDescription> describeInstances(Map<String, String> tags, boolean properties);

    /**
     * Registers a callback run when the plugin notices instances change outside the controller (a process exits, a
     * file is deleted). Plugins that cannot tell return a handle that does nothing; the controller's periodic resync
     * covers them.
     */
    default AutoCloseable onChange(Runnable listener) {
        return () -> { };
    }

    /**
     * This plugin as called by the leader of {@code term}, a fencing token that grows from each leader to the next
     * (the operator passes its election key's create revision; 0 or less: no term). A plugin that can keep the
     * newest term it has seen beside its state returns a view whose Provision, Label and Destroy refuse a term older
     * than that ({@code StaleTermException}); a remote plugin's view sends the term with
     * those calls. Plugins that can do neither return themselves.
     */
    default InstancePlugin fenced(long term) {
        return this;
    }
}
