package io.infrakit.plugins.rpc;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection of a {@link PluginServer}: requests are served one after the other for as long as the
 * client keeps the connection (Go's client reuses connections). A broken request gets an error answer and the
 * connection is closed; a client that goes away mid-request costs nothing but this connection.
 */
final class ServerConnection implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(ServerConnection.class);

    /** How much of an unwanted body is read (and dropped) before closing, so that the client sees our answer. */
    private static final long LINGER_BYTES = 256 * 1024;
    private static final long LINGER_NANOS = 1_000_000_000L;

    /** Timeouts and limits, in nanoseconds and bytes. */
    record Limits(long idleNanos, long requestNanos, long writeNanos, long maxBody) {
    }

    private final ChannelIo io;
    private final HttpInput in;
    private final PluginRoutes routes;
    private final Limits limits;
    private final Consumer<ServerConnection> onClose;
    private boolean busy;
    private boolean closing;

    ServerConnection(ChannelIo io, PluginRoutes routes, Limits limits, Consumer<ServerConnection> onClose) {
        this.io = io;
        this.in = new HttpInput(io);
        this.routes = routes;
        this.limits = limits;
        this.onClose = onClose;
    }

    @Override
    public void run() {
        try {
            while (in.await(System.nanoTime() + limits.idleNanos()) && begin()) {
                boolean keep = serveOne();
                if (!end() || !keep) {
                    break;
                }
            }
        } catch (SocketTimeoutException e) {
            LOG.debug("closing a connection: {}", e.getMessage());
        } catch (AsynchronousCloseException e) {
            // the server is closing
        } catch (EOFException e) {
            LOG.debug("client went away mid-request: {}", e.getMessage());
        } catch (IOException e) {
            LOG.debug("connection failed: {}", e.toString());
        } catch (RuntimeException e) {
            LOG.warn("connection handler failed", e);
        } finally {
            io.close();
            onClose.accept(this);
        }
    }

    /** Closes the connection now if it is between requests, else once the current answer is written. */
    synchronized void closeWhenIdle() {
        closing = true;
        if (!busy) {
            io.close();
        }
    }

    /** Closes the connection now, whatever it is doing. */
    void closeNow() {
        io.close();
    }

    private synchronized boolean begin() {
        busy = !closing;
        return busy;
    }

    private synchronized boolean end() {
        busy = false;
        return !closing;
    }

    /** Serves one request; false when the connection must be closed afterwards. */
    private boolean serveOne() throws IOException {
        long deadline = System.nanoTime() + limits.requestNanos();
        HttpMessages.RequestHead head;
        long length;
        try {
            head = HttpMessages.readRequestHead(in, deadline);
            length = HttpMessages.requestBodyLength(head.headers());
        } catch (HttpProtocolException e) {
            refuse(e.status(), e.getMessage());
            return false;
        }
        if (length > limits.maxBody()) {
            refuse(413, "body of " + length + " bytes is larger than " + limits.maxBody());
            return false;
        }
        if (length != 0 && head.http11() && head.headers().hasToken("Expect", "100-continue")) {
            write(("HTTP/1.1 100 Continue\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        }
        byte[] body;
        try {
            body = length < 0 ? in.readChunked(limits.maxBody(), deadline) : in.readExactly((int) length, deadline);
        } catch (HttpProtocolException e) {
            refuse(e.status(), e.getMessage());
            return false;
        }
        HttpMessages.Response response = routes.handle(head, body);
        boolean keep = head.keepAlive() && !isClosing();
        write(HttpMessages.encodeResponse(response, head.method().equals("HEAD"), !keep));
        return keep;
    }

    private synchronized boolean isClosing() {
        return closing;
    }

    /** Answers a request that cannot be served, then closes after reading (briefly) what the client still sends. */
    private void refuse(int status, String detail) throws IOException {
        LOG.debug("refusing a request with {}: {}", status, detail);
        String text = status + " " + HttpMessages.reason(status) + ": " + detail + "\n";
        write(HttpMessages.encodeResponse(PluginRoutes.text(status, text), false, true));
        io.shutdownOutput();
        // Closing with unread input would reset the connection and could destroy our answer before it is read.
        in.discard(LINGER_BYTES, System.nanoTime() + LINGER_NANOS);
    }

    private void write(byte[] bytes) throws IOException {
        io.write(ByteBuffer.wrap(bytes), System.nanoTime() + limits.writeNanos());
    }
}
