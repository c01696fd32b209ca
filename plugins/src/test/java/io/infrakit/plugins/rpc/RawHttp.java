package io.infrakit.plugins.rpc;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * HTTP/1.1 as bytes on a stream, for tests that check exact bytes or send broken input: just enough framing to read
 * what a server or a client wrote (Content-Length, chunked, or until the peer closes).
 */
final class RawHttp {

    private RawHttp() {
    }

    /** Header fields in arrival order; names compare case-insensitively. */
    record Headers(List<String[]> fields) {
        /** The first value of the field, or null. */
        String get(String name) {
            for (String[] f : fields) {
                if (f[0].equalsIgnoreCase(name)) {
                    return f[1];
                }
            }
            return null;
        }
    }

    record Response(int status, Headers headers, byte[] body) {
    }

    /** A request as a server reads it; null when the peer closed before sending one. */
    record Request(String line, Headers headers, byte[] body) {
    }

    /** A line without its CR LF. */
    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("closed in the middle of a line");
            }
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, n, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
    }

    /** A response, interim (1xx) ones skipped. */
    static Response readResponse(InputStream in, boolean headRequest) throws IOException {
        while (true) {
            String status = readLine(in);
            String[] parts = status.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
                throw new IOException("not an HTTP response: " + status);
            }
            int code = Integer.parseInt(parts[1]);
            Headers headers = readFields(in);
            if (code >= 100 && code < 200) {
                continue;
            }
            if (headRequest || code == 204 || code == 304) {
                return new Response(code, headers, new byte[0]);
            }
            return new Response(code, headers, readBody(in, headers, true));
        }
    }

    static Request readRequest(InputStream in) throws IOException {
        String line;
        try {
            line = readLine(in);
        } catch (EOFException e) {
            return null;
        }
        Headers headers = readFields(in);
        return new Request(line, headers, readBody(in, headers, false));
    }

    private static Headers readFields(InputStream in) throws IOException {
        List<String[]> fields = new ArrayList<>();
        for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
            int colon = line.indexOf(':');
            fields.add(new String[] {line.substring(0, colon), line.substring(colon + 1).trim()});
        }
        return new Headers(fields);
    }

    private static byte[] readBody(InputStream in, Headers headers, boolean toEnd) throws IOException {
        String te = headers.get("Transfer-Encoding");
        if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            for (int size = chunkSize(readLine(in)); size > 0; size = chunkSize(readLine(in))) {
                body.write(in.readNBytes(size));
                readLine(in);
            }
            while (!readLine(in).isEmpty()) {
                // trailers
            }
            return body.toByteArray();
        }
        String length = headers.get("Content-Length");
        if (length != null) {
            int n = Integer.parseInt(length);
            byte[] body = in.readNBytes(n);
            if (body.length < n) {
                throw new EOFException("closed after " + body.length + " of " + n + " body bytes");
            }
            return body;
        }
        return toEnd ? in.readAllBytes() : new byte[0];
    }

    private static int chunkSize(String line) {
        int semicolon = line.indexOf(';');
        return Integer.parseInt((semicolon < 0 ? line : line.substring(0, semicolon)).trim(), 16);
    }
}
