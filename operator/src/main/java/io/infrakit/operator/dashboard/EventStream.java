package io.infrakit.operator.dashboard;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * One browser's server-sent event stream ({@code text/event-stream}): messages are queued and written one at a time
 * (Jetty takes the next write only when the last is done), holding no thread while the client reads. A client that
 * reads too slowly is cut off when its queue is full; its browser reconnects and starts again from a snapshot.
 */
final class EventStream {

    /** Messages a client may be behind before it is cut off. */
    static final int MAX_QUEUED = 256;

    private final Response response;
    private final Callback done;
    private final String group;
    private final Consumer<EventStream> onClose;
    private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
    private final AtomicBoolean finished = new AtomicBoolean();
    private boolean writing; // guarded by this
    private boolean closed; // guarded by this: takes no more messages
    private boolean ending; // guarded by this: ends the response once the queue is written

    /**
     * @param done    completes the request when the stream ends
     * @param group   the group whose page the client shows, or null
     * @param onClose told once when the stream ends, however it ends
     */
    EventStream(Response response, Callback done, String group, Consumer<EventStream> onClose) {
        this.response = response;
        this.done = done;
        this.group = group;
        this.onClose = onClose;
    }

    /** The group whose page this stream feeds, or null. */
    String group() {
        return group;
    }

    /** One event: its name and its data (JSON, on one line). */
    void send(String event, String json) {
        enqueue("event: " + event + "\ndata: " + json + "\n\n");
    }

    /** How long the browser waits before it reconnects, should the stream break (the default is 3 s). */
    void retry(java.time.Duration after) {
        enqueue("retry: " + after.toMillis() + "\n\n");
    }

    /** A comment line: keeps an idle connection from being closed as idle. */
    void heartbeat() {
        enqueue(": ping\n\n");
    }

    private void enqueue(String text) {
        ByteBuffer buffer = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        boolean tooSlow = false;
        synchronized (this) {
            if (closed) {
                return;
            }
            if (queue.size() >= MAX_QUEUED) {
                tooSlow = true;
            } else {
                queue.add(buffer);
            }
        }
        if (tooSlow) {
            finish(new IllegalStateException("client too slow: " + MAX_QUEUED + " messages behind"));
            return;
        }
        pump();
    }

    private void pump() {
        ByteBuffer next;
        boolean last;
        synchronized (this) {
            if (writing || finished.get()) {
                return;
            }
            next = queue.poll();
            last = next == null && ending;
            if (next == null && !last) {
                return;
            }
            writing = true;
        }
        if (last) {
            response.write(true, ByteBuffer.allocate(0), Callback.from(() -> finish(null), this::finish));
        } else {
            response.write(false, next, Callback.from(this::written, this::finish));
        }
    }

    private void written() {
        synchronized (this) {
            writing = false;
        }
        pump();
    }

    synchronized boolean isClosed() {
        return closed;
    }

    /** Ends the stream from this side (a shutdown): what is queued is written, then the response ends. */
    void close() {
        synchronized (this) {
            closed = true;
            ending = true;
        }
        pump();
    }

    /** Ends the request, once; {@code cause} null for a clean end. */
    void finish(Throwable cause) {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        synchronized (this) {
            closed = true;
            queue.clear();
        }
        onClose.accept(this);
        if (cause == null) {
            done.succeeded();
        } else {
            done.failed(cause);
        }
    }
}
