package io.infrakit.plugins.rpc;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Speaks raw HTTP to a socket, as {@code curl --unix-socket} would, for tests of exact bytes and broken input. A
 * read that takes more than five seconds closes the connection and fails with a {@link SocketTimeoutException}.
 */
final class RawClient implements AutoCloseable {

    private static final long WAIT_MILLIS = 5_000;
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "raw-client-watchdog");
        t.setDaemon(true);
        return t;
    });

    private final SocketChannel channel;
    private final InputStream in;
    private volatile boolean timedOut;

    private RawClient(SocketChannel channel) {
        this.channel = channel;
        this.in = new BufferedInputStream(Channels.newInputStream(channel));
    }

    static RawClient connect(PluginServer server) throws IOException {
        return connect(((PluginAddress.Unix) server.address()).path());
    }

    static RawClient connect(Path socket) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(socket));
        return new RawClient(channel);
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
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        return this;
    }

    RawHttp.Response read() throws IOException {
        return timed(() -> RawHttp.readResponse(in, false));
    }

    /** One raw line of what the server sent. */
    String readLine() throws IOException {
        return timed(() -> RawHttp.readLine(in));
    }

    RawHttp.Response exchange(String request) throws IOException {
        return send(request).read();
    }

    /** True when the server closes the connection (end of stream or reset) within five seconds, sending nothing. */
    boolean closedByServer() {
        try {
            return timed(in::read) < 0;
        } catch (IOException e) {
            return !timedOut;
        }
    }

    static String text(RawHttp.Response response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    private interface Read<T> {
        T read() throws IOException;
    }

    private <T> T timed(Read<T> read) throws IOException {
        ScheduledFuture<?> watchdog = WATCHDOG.schedule(() -> {
            timedOut = true;
            close();
        }, WAIT_MILLIS, TimeUnit.MILLISECONDS);
        try {
            return read.read();
        } catch (IOException e) {
            if (timedOut) {
                throw new SocketTimeoutException("nothing within " + WAIT_MILLIS + " ms");
            }
            throw e;
        } finally {
            watchdog.cancel(false);
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing left to release
        }
    }
}
