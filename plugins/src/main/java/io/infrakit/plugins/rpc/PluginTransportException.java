package io.infrakit.plugins.rpc;

import io.infrakit.plugins.spi.PluginException;

/**
 * A remote plugin could not be reached or did not answer in time. Unlike an error the plugin returned, the call may
 * not have happened at all (or may have, when it timed out): worth retrying later.
 */
public class PluginTransportException extends PluginException {

    private final boolean timedOut;

    public PluginTransportException(String message, boolean timedOut, Throwable cause) {
        super(message, cause);
        this.timedOut = timedOut;
    }

    /** True when the plugin was reached but did not answer before the deadline. */
    public boolean timedOut() {
        return timedOut;
    }
}
