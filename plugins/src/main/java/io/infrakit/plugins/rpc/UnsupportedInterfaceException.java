package io.infrakit.plugins.rpc;

import io.infrakit.plugins.spi.PluginException;

/**
 * The plugin's handshake does not offer the interface or version this client speaks. Messages use InfraKit's
 * wording: {@code Plugin does not support interface {Instance 0.5.0}} or {@code Plugin supports Instance interface
 * version 0.3.0, client requires 0.5.0}.
 */
public class UnsupportedInterfaceException extends PluginException {

    public UnsupportedInterfaceException(String message) {
        super(message);
    }
}
