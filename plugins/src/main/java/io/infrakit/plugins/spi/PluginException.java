package io.infrakit.plugins.spi;

/** A plugin call failed; the message is what the plugin said (for remote plugins, the JSON-RPC error message). */
public class PluginException extends RuntimeException {

    public PluginException(String message) {
        super(message);
    }

    public PluginException(String message, Throwable cause) {
        super(message, cause);
    }
}
