package io.infrakit.plugins.rpc;

import java.io.IOException;

/** The peer broke HTTP/1.1 framing; {@link #status()} is what a server answers (400, 413, 431, 501). */
final class HttpProtocolException extends IOException {

    private final int status;

    HttpProtocolException(int status, String message) {
        super(message);
        this.status = status;
    }

    int status() {
        return status;
    }
}
