package io.infrakit.plugins.maas;

import io.infrakit.plugins.spi.PluginException;

/** MAAS answered a request with an error status; the message has the method, path, status and MAAS's own words. */
final class MaasException extends PluginException {

    private static final long serialVersionUID = 1L;
    private final int status;

    MaasException(String request, int status, String body) {
        super("MAAS: " + request + ": HTTP " + status + (body == null || body.isBlank() ? "" : ": " + body.strip()));
        this.status = status;
    }

    int status() {
        return status;
    }
}
