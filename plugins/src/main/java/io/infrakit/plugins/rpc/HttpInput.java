package io.infrakit.plugins.rpc;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Buffered reading of HTTP/1.1 framing from a {@link ChannelIo}: lines, fixed-length and chunked bodies. */
final class HttpInput {

    /** Longest accepted line (request line, status line, one header field, a chunk size line). */
    static final int MAX_LINE = 64 * 1024;

    private final ChannelIo io;
    /** In read mode: position..limit is what was received and not yet consumed. */
    private final ByteBuffer buffer = ByteBuffer.allocate(MAX_LINE + 2);

    HttpInput(ChannelIo io) {
        this.io = io;
        buffer.flip();
    }

    /** Waits until at least one byte is there; false when the peer closed the connection first. */
    boolean await(long deadline) throws IOException {
        return buffer.hasRemaining() || fill(deadline);
    }

    /** A line without its CR LF (a bare LF ends a line too, as Go's reader allows). */
    String readLine(long deadline) throws IOException {
        while (true) {
            for (int i = buffer.position(); i < buffer.limit(); i++) {
                if (buffer.get(i) == '\n') {
                    int end = i > buffer.position() && buffer.get(i - 1) == '\r' ? i - 1 : i;
                    byte[] line = new byte[end - buffer.position()];
                    buffer.get(line);
                    buffer.position(i + 1);
                    return new String(line, StandardCharsets.ISO_8859_1);
                }
            }
            if (buffer.remaining() > MAX_LINE) {
                throw new HttpProtocolException(431, "line longer than " + MAX_LINE + " bytes");
            }
            if (!fill(deadline)) {
                throw new EOFException("connection closed in the middle of a line");
            }
        }
    }

    byte[] readExactly(int length, long deadline) throws IOException {
        byte[] out = new byte[length];
        int done = 0;
        while (done < length) {
            if (!buffer.hasRemaining() && !fill(deadline)) {
                throw new EOFException("connection closed after " + done + " of " + length + " body bytes");
            }
            int n = Math.min(buffer.remaining(), length - done);
            buffer.get(out, done, n);
            done += n;
        }
        return out;
    }

    /** A chunked body, trailers skipped. */
    byte[] readChunked(long maxBytes, long deadline) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine(deadline);
            int semicolon = sizeLine.indexOf(';');
            String hex = (semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim();
            long size;
            try {
                size = Long.parseLong(hex, 16);
            } catch (NumberFormatException e) {
                throw new HttpProtocolException(400, "bad chunk size: " + sizeLine);
            }
            if (size < 0) {
                throw new HttpProtocolException(400, "bad chunk size: " + sizeLine);
            }
            if (size == 0) {
                while (!readLine(deadline).isEmpty()) {
                    // trailer fields: nothing here uses them
                }
                return body.toByteArray();
            }
            if (body.size() + size > maxBytes) {
                throw new HttpProtocolException(413, "body larger than " + maxBytes + " bytes");
            }
            body.write(readExactly((int) size, deadline));
            if (!readLine(deadline).isEmpty()) {
                throw new HttpProtocolException(400, "chunk not followed by CRLF");
            }
        }
    }

    /** Everything until the peer closes (a response framed by closing the connection). */
    byte[] readToEnd(long maxBytes, long deadline) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (buffer.hasRemaining() || fill(deadline)) {
            if (body.size() + buffer.remaining() > maxBytes) {
                throw new HttpProtocolException(413, "body larger than " + maxBytes + " bytes");
            }
            body.write(buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.remaining());
            buffer.position(buffer.limit());
        }
        return body.toByteArray();
    }

    /** Reads and drops up to {@code maxBytes} until the peer closes or the deadline passes; never throws. */
    void discard(long maxBytes, long deadline) {
        long dropped = 0;
        try {
            while (dropped < maxBytes && (buffer.hasRemaining() || fill(deadline))) {
                dropped += buffer.remaining();
                buffer.position(buffer.limit());
            }
        } catch (IOException e) {
            // the peer went away or took too long: either way we are done with it
        }
    }

    private boolean fill(long deadline) throws IOException {
        buffer.compact();
        try {
            return io.read(buffer, deadline) >= 0;
        } finally {
            buffer.flip();
        }
    }
}
