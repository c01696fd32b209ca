package io.infrakit.plugins.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Reads a request body without holding a thread while the client is slow: chunks are taken as they come, and the
 * whole body must be there before a deadline and within a size. The answer completes on the thread that read the
 * last chunk, which is the handler's own thread or one of Jetty's pool threads (never a selector): a blocking call
 * may follow it.
 */
public final class RequestBodies {

    private RequestBodies() {
    }

    /** The body was larger than allowed. */
    public static final class TooLarge extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TooLarge(long max) {
            super("body larger than " + max + " bytes");
        }
    }

    /**
     * The whole body, or a failure: {@link TooLarge}, a {@link TimeoutException} once {@code timeout} has passed, or
     * what went wrong reading it (the client went away). A declared length above {@code max} fails at once, unread.
     */
    public static CompletableFuture<byte[]> read(Request request, int max, Duration timeout) {
        CompletableFuture<byte[]> body = new CompletableFuture<>();
        long declared = request.getLength();
        if (declared > max) {
            body.completeExceptionally(new TooLarge(max));
            return body;
        }
        Reader reader = new Reader(request, max, body, declared > 0 ? (int) declared : 1024);
        Scheduler.Task deadline = request.getComponents().getScheduler().schedule(() -> {
            if (reader.finish()) {
                TimeoutException e = new TimeoutException("no whole body within " + timeout.toMillis() + " ms");
                request.fail(e);
                body.completeExceptionally(e);
            }
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        body.whenComplete((bytes, failure) -> deadline.cancel());
        reader.run();
        return body;
    }

    /** The read loop; runs again on each demand callback (a plain Runnable: Jetty calls it from its pool). */
    private static final class Reader implements Runnable {
        private final Request request;
        private final int max;
        private final CompletableFuture<byte[]> body;
        private final ByteArrayOutputStream bytes;
        private final AtomicBoolean finished = new AtomicBoolean();

        Reader(Request request, int max, CompletableFuture<byte[]> body, int expected) {
            this.request = request;
            this.max = max;
            this.body = body;
            this.bytes = new ByteArrayOutputStream(Math.min(expected, max));
        }

        /** True for the one caller that ends the read. */
        boolean finish() {
            return finished.compareAndSet(false, true);
        }

        @Override
        public void run() {
            while (!finished.get()) {
                Content.Chunk chunk = request.read();
                if (chunk == null) {
                    request.demand(this);
                    return;
                }
                try {
                    if (Content.Chunk.isFailure(chunk)) {
                        if (finish()) {
                            body.completeExceptionally(chunk.getFailure());
                        }
                        return;
                    }
                    ByteBuffer buffer = chunk.getByteBuffer();
                    if (bytes.size() + buffer.remaining() > max) {
                        if (finish()) {
                            body.completeExceptionally(new TooLarge(max));
                        }
                        return;
                    }
                    byte[] part = new byte[buffer.remaining()];
                    buffer.get(part);
                    bytes.write(part, 0, part.length);
                    if (chunk.isLast()) {
                        if (finish()) {
                            body.complete(bytes.toByteArray());
                        }
                        return;
                    }
                } finally {
                    chunk.release();
                }
            }
        }
    }
}
