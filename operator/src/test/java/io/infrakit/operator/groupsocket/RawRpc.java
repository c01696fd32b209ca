package io.infrakit.operator.groupsocket;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.plugins.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What {@code curl --unix-socket SOCKET http://rpc -H 'Content-Type: application/json' -d BODY} does: one HTTP/1.1
 * POST on a fresh connection, the answer's body as text. No code of the plugin server's own is used.
 */
final class RawRpc {

    private RawRpc() {
    }

    /** The body of the answer to a JSON-RPC request for {@code method} with {@code params} (JSON text), id 1. */
    static String call(Path socket, String method, String params) {
        return post(socket, "{\"jsonrpc\":\"2.0\",\"method\":\"" + method + "\",\"params\":" + params + ",\"id\":1}");
    }

    static JsonNode json(Path socket, String method, String params) {
        return Json.parse(call(socket, method, params));
    }

    /** {@code {"jsonrpc":"2.0","result":RESULT,"id":1}} and the newline Go's encoder writes. */
    static String result(String json) {
        return "{\"jsonrpc\":\"2.0\",\"result\":" + json + ",\"id\":1}\n";
    }

    static String error(String message) {
        return "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32000,\"message\":\"" + message
                + "\",\"data\":null},\"id\":1}\n";
    }

    static String post(Path socket, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String head = "POST / HTTP/1.1\r\nHost: rpc\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n";
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap(head.getBytes(StandardCharsets.US_ASCII)));
            channel.write(ByteBuffer.wrap(bytes));
            return readBody(Channels.newInputStream(channel));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot call " + socket, e);
        }
    }

    private static String readBody(InputStream in) throws IOException {
        String status = line(in);
        if (!status.startsWith("HTTP/1.1 200")) {
            throw new IOException("unexpected status: " + status);
        }
        int length = -1;
        for (String h = line(in); !h.isEmpty(); h = line(in)) {
            String lower = h.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Integer.parseInt(h.substring(h.indexOf(':') + 1).trim());
            }
        }
        byte[] body = length >= 0 ? in.readNBytes(length) : in.readAllBytes();
        return new String(body, StandardCharsets.UTF_8);
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                out.write(c);
            }
        }
        return out.toString(StandardCharsets.US_ASCII);
    }
}
