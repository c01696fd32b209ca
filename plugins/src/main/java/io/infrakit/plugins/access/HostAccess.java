package io.infrakit.plugins.access;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * How a built-in plugin contributes to the admission policy: it says what its properties ask of the operator's
 * host, reading them exactly as it does when it acts on them, without acting (no file read, no connection). A
 * plugin whose properties reach nothing on the host returns nothing; one that is not described at all is judged
 * by name only.
 */
@FunctionalInterface
public interface HostAccess {

    /** Properties that reach nothing on the host (the file plugin's, MAAS's). */
    HostAccess NONE = properties -> List.of();

    /**
     * @param properties the plugin's section of a group spec ({@code Properties.Instance.Properties} or
     *                   {@code Properties.Flavor.Properties}); may be null
     * @throws io.infrakit.plugins.spi.PluginException when the properties cannot be read: they are invalid
     */
    List<HostRequest> requests(JsonNode properties);
}
