package io.infrakit.plugins.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** Whole answers made in memory: status, type, length and body in one write. */
public final class Answers {

    public static final String TEXT = "text/plain; charset=utf-8";

    private Answers() {
    }

    /**
     * Sends {@code body} with its length; {@code contentType} null for none. Headers set on the response before
     * (Allow, Connection, ...) go with it.
     */
    public static void send(Response response, Callback callback, int status, String contentType, byte[] body) {
        response.setStatus(status);
        if (contentType != null) {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        }
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    /** One line (or more) of plain text. */
    public static void text(Response response, Callback callback, int status, String text) {
        send(response, callback, status, TEXT, text.getBytes(StandardCharsets.UTF_8));
    }
}
