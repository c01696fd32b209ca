package io.infrakit.plugins.rpc;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Speaks raw HTTP to a socket, as {@code curl --unix-socket} would, for tests of exact bytes and broken input. */
final class RawClient implements AutoCloseable {

    private static final long WAIT = TimeUnit.SECONDS.toNanos(5);

    private final ChannelIo io;
    private final HttpInput in;

    private RawClient(ChannelIo io) {
        this.io = io;
        this.in = new HttpInput(io);
    }

    static RawClient connect(PluginServer server) throws IOException {
        return connect(((PluginAddress.Unix) server.address()).path());
    }

    static RawClient connect(Path socket) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(socket));
        return new RawClient(new ChannelIo(channel));
    }

    /** A POST of a JSON body as curl sends it. */
    static String post(String body) {
        return "POST / HTTP/1.1\r\nHost: rpc\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length
                + "\r\n\r\n" + body;
    }

    RawClient send(String text) throws IOException {
        return send(text.getBytes(StandardCharsets.UTF_8));
    }

    RawClient send(byte[] bytes) throws IOException {
        io.write(ByteBuffer.wrap(bytes), System.nanoTime() + WAIT);
        return this;
    }

    HttpMessages.Response read() throws IOException {
        return HttpMessages.readResponse(in, false, 64 << 20, System.nanoTime() + WAIT);
    }

    /** One raw line of what the server sent. */
    String readLine() throws IOException {
        return in.readLine(System.nanoTime() + WAIT);
    }

    HttpMessages.Response exchange(String request) throws IOException {
        return send(request).read();
    }

    /** True when the server closes the connection (end of stream or reset) within five seconds. */
    boolean closedByServer() {
        try {
            return !in.await(System.nanoTime() + WAIT);
        } catch (IOException e) {
            return !(e instanceof java.net.SocketTimeoutException);
        }
    }

    static String text(HttpMessages.Response response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        io.close();
    }
}
