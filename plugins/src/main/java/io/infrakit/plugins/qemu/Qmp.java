package io.infrakit.plugins.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.infrakit.plugins.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * One connection to a QEMU monitor speaking QMP: JSON objects, one a line. QEMU greets, the client enables commands
 * with {@code qmp_capabilities}, then each command gets a {@code return} or an {@code error}; events may arrive
 * at any time in between. Every wait has a deadline (a monitor that another client holds accepts the connection but
 * never greets), except {@link #awaitEvents}, which reads until QEMU goes away or {@link #close} is called.
 */
final class Qmp implements AutoCloseable {

    /** A command QEMU refused ({@code {"error": {"class": ..., "desc": ...}}}). */
    static final class QmpError extends IOException {
        private static final long serialVersionUID = 1L;

        QmpError(String command, JsonNode error) {
            super(command + ": " + error.path("class").asText("?") + ": " + error.path("desc").asText(""));
        }
    }

    private final SocketChannel channel;
    private final Selector selector;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private final ByteBuffer buffer = ByteBuffer.allocate(8192);
    private final Duration timeout;

    private Qmp(SocketChannel channel, Selector selector, Duration timeout) {
        this.channel = channel;
        this.selector = selector;
        this.timeout = timeout;
    }

    /**
     * Connects, reads the greeting and enables commands.
     *
     * @param timeout the deadline for each answer
     * @throws IOException when there is no QEMU there, or it does not answer in time
     */
    static Qmp connect(Path socket, Duration timeout) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        Selector selector = null;
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.configureBlocking(false);
            selector = Selector.open();
            channel.register(selector, SelectionKey.OP_READ);
            Qmp qmp = new Qmp(channel, selector, timeout);
            JsonNode greeting = qmp.read(deadline(timeout));
            if (greeting == null || !greeting.has("QMP")) {
                throw new IOException("no QMP greeting on " + socket);
            }
            qmp.execute("qmp_capabilities", null);
            return qmp;
        } catch (IOException | RuntimeException e) {
            channel.close();
            if (selector != null) {
                selector.close();
            }
            throw e;
        }
    }

    /**
     * Runs a command and returns its {@code return} value; events that arrive first are skipped.
     *
     * @throws QmpError when QEMU answers with an error
     * @throws IOException when the connection ends or the answer does not come in time
     */
    JsonNode execute(String command, ObjectNode arguments) throws IOException {
        ObjectNode request = Json.mapper().createObjectNode().put("execute", command);
        if (arguments != null) {
            request.set("arguments", arguments);
        }
        ByteBuffer out = ByteBuffer.wrap((Json.write(request) + "\n").getBytes(StandardCharsets.UTF_8));
        long deadline = deadline(timeout);
        while (out.hasRemaining()) {
            if (channel.write(out) == 0) {
                waitFor(deadline);
            }
        }
        while (true) {
            JsonNode message = read(deadline);
            if (message == null) {
                throw new IOException("QEMU closed the monitor during " + command);
            }
            if (message.has("return")) {
                return message.get("return");
            }
            if (message.has("error")) {
                throw new QmpError(command, message.get("error"));
            }
        }
    }

    /** Passes each event to {@code events} until QEMU closes the connection (it exited) or this is closed. */
    void awaitEvents(Consumer<JsonNode> events) throws IOException {
        JsonNode message;
        while ((message = read(Long.MAX_VALUE)) != null) {
            if (message.has("event")) {
                events.accept(message);
            }
        }
    }

    /** The next message, or null at the end of the connection. */
    private JsonNode read(long deadline) throws IOException {
        while (true) {
            byte[] next = nextLine();
            if (next != null) {
                if (next.length == 0) {
                    continue;
                }
                return Json.mapper().readTree(next);
            }
            buffer.clear();
            int n = channel.read(buffer);
            if (n < 0) {
                return null;
            }
            if (n == 0) {
                waitFor(deadline);
                continue;
            }
            line.write(buffer.array(), 0, n);
        }
    }

    /** A complete line from what was read so far (without its end), or null when there is none yet. */
    private byte[] nextLine() {
        byte[] all = line.toByteArray();
        for (int i = 0; i < all.length; i++) {
            if (all[i] == '\n') {
                line.reset();
                line.write(all, i + 1, all.length - i - 1);
                int end = i > 0 && all[i - 1] == '\r' ? i - 1 : i;
                byte[] text = new byte[end];
                System.arraycopy(all, 0, text, 0, end);
                return text;
            }
        }
        return null;
    }

    /** Waits until the channel can be read or written again, or the deadline passes. */
    private void waitFor(long deadline) throws IOException {
        try {
            if (deadline == Long.MAX_VALUE) {
                selector.select();
            } else {
                long left = deadline - System.nanoTime();
                if (left <= 0 || selector.select(Math.max(1, left / 1_000_000)) == 0
                        && deadline - System.nanoTime() <= 0) {
                    throw new IOException("QEMU did not answer within " + timeout.toMillis() + " ms");
                }
            }
            selector.selectedKeys().clear();
        } catch (ClosedSelectorException e) {
            throw new IOException("the QMP connection was closed", e);
        }
        if (!channel.isOpen()) {
            throw new IOException("the QMP connection was closed");
        }
    }

    private static long deadline(Duration timeout) {
        return System.nanoTime() + timeout.toNanos();
    }

    /** Closes the connection; a thread in {@link #awaitEvents} returns with an exception. */
    @Override
    public void close() {
        try {
            selector.close();
        } catch (IOException e) {
            // nothing to do
        }
        try {
            channel.close();
        } catch (IOException e) {
            // nothing to do
        }
    }
}
