package io.infrakit.plugins.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.plugins.json.Json;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A scripted plugin on a Unix socket: each request body is recorded and answered with whatever the script says,
 * as a raw HTTP response. A script returning null never answers (a hung plugin).
 */
final class FakePlugin implements AutoCloseable {

    private final ServerSocketChannel server;
    private final Path socket;
    private final Function<JsonNode, String> script;
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    private final List<SocketChannel> open = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    private FakePlugin(Path socket, Function<JsonNode, String> script) throws IOException {
        this.socket = socket;
        this.script = script;
        Files.deleteIfExists(socket);
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        this.acceptor = new Thread(this::acceptLoop, "fake-plugin");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Answers each request with the JSON-RPC result the script gives (null: never answer). */
    static FakePlugin results(Path socket, Function<JsonNode, String> resultJson) throws IOException {
        return new FakePlugin(socket, request -> {
            String result = resultJson.apply(request);
            return result == null ? null : http(200, "{\"jsonrpc\":\"2.0\",\"result\":" + result + ",\"id\":"
                    + request.get("id") + "}\n");
        });
    }

    /** Answers with raw HTTP responses. */
    static FakePlugin raw(Path socket, Function<JsonNode, String> httpResponse) throws IOException {
        return new FakePlugin(socket, httpResponse);
    }

    static String http(int status, String body) {
        return "HTTP/1.1 " + status + " X\r\nContent-Type: application/json\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    static String error(JsonNode request, String message) {
        return http(200, "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32000,\"message\":" + Json.write(message)
                + ",\"data\":null},\"id\":" + request.get("id") + "}\n");
    }

    /** The JSON-RPC requests received so far. */
    List<JsonNode> requests() {
        return requests;
    }

    /** The methods called so far, in order. */
    List<String> methods() {
        return requests.stream().map(r -> r.get("method").asText()).toList();
    }

    Path socket() {
        return socket;
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                SocketChannel channel = server.accept();
                open.add(channel);
                Thread t = new Thread(() -> serve(channel), "fake-plugin-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(SocketChannel channel) {
        try (channel; InputStream in = new BufferedInputStream(Channels.newInputStream(channel))) {
            for (RawHttp.Request r = RawHttp.readRequest(in); r != null; r = RawHttp.readRequest(in)) {
                JsonNode request = Json.parse(r.body());
                requests.add(request);
                String answer = script.apply(request);
                if (answer == null) {
                    in.read(); // hang until the client gives up
                    return;
                }
                ByteBuffer bytes = ByteBuffer.wrap(answer.getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
            }
        } catch (IOException | RuntimeException e) {
            // the test decides what a broken exchange means
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (SocketChannel c : open) {
            c.close();
        }
        try {
            acceptor.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Files.deleteIfExists(socket);
    }
}
