package io.infrakit.plugins.spi;

import com.fasterxml.jackson.databind.JsonNode;
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
     * The keys of these properties that this plugin does not know, each as its path from {@code Properties} with a
     * likely meant key ({@code Properties.Intt (did you mean Init?)}). Unknown keys are accepted, as InfraKit
     * accepts them; this is for warnings. Empty where the plugin cannot tell (a plugin in another process).
     */
    default List<String> unknownKeys(JsonNode properties) {
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
}
