package io.infrakit.plugins.rpc;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** HTTP/1.1 message heads, body framing and serialisation, for both the plugin server and the client. */
final class HttpMessages {

    /** Largest request or response head (Go's {@code http.DefaultMaxHeaderBytes}). */
    static final int MAX_HEAD_BYTES = 1 << 20;

    private static final DateTimeFormatter HTTP_DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ROOT);

    private HttpMessages() {
    }

    /** A request line and its header fields. */
    record RequestHead(String method, String target, String version, HttpHeaders headers) {

        boolean http11() {
            return !"HTTP/1.0".equals(version);
        }

        /** Whether the client wants the connection kept after this exchange. */
        boolean keepAlive() {
            return http11() ? !headers.hasToken("Connection", "close") : headers.hasToken("Connection", "keep-alive");
        }

        String path() {
            int q = target.indexOf('?');
            return q < 0 ? target : target.substring(0, q);
        }
    }

    /** A response: status, fields (without Content-Length, which is computed) and body. */
    record Response(int status, HttpHeaders headers, byte[] body) {
        Response {
            body = body == null ? new byte[0] : body;
        }
    }

    static RequestHead readRequestHead(HttpInput in, long deadline) throws IOException {
        String line = in.readLine(deadline);
        while (line.isEmpty()) {
            line = in.readLine(deadline); // RFC 9112: ignore empty lines before a request line
        }
        String[] parts = line.split(" ", -1);
        if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty() || !parts[2].startsWith("HTTP/1.")) {
            throw new HttpProtocolException(400, "malformed request line");
        }
        return new RequestHead(parts[0], parts[1], parts[2], readFields(in, line.length(), deadline));
    }

    /**
     * The length of a request body as its head declares it: -1 for chunked.
     *
     * @throws HttpProtocolException 400 for a bad Content-Length, 501 for a transfer coding other than chunked
     */
    static long requestBodyLength(HttpHeaders headers) throws HttpProtocolException {
        List<String> codings = headers.all("Transfer-Encoding");
        if (!codings.isEmpty()) {
            String all = String.join(",", codings).trim().toLowerCase(Locale.ROOT);
            if (!all.equals("chunked")) {
                throw new HttpProtocolException(501, "unsupported transfer encoding " + all);
            }
            return -1;
        }
        return contentLength(headers, 0);
    }

    static String statusLine(int status) {
        return "HTTP/1.1 " + status + " " + reason(status);
    }

    /** Serialises a response, adding Date, Content-Length and (when closing) Connection: close. */
    static byte[] encodeResponse(Response response, boolean headOnly, boolean close) {
        StringBuilder head = new StringBuilder(256).append(statusLine(response.status())).append("\r\n");
        for (HttpHeaders.Field f : response.headers().fields()) {
            head.append(f.name()).append(": ").append(f.value()).append("\r\n");
        }
        head.append("Date: ").append(HTTP_DATE.format(ZonedDateTime.now(ZoneOffset.UTC))).append("\r\n");
        head.append("Content-Length: ").append(response.body().length).append("\r\n");
        if (close) {
            head.append("Connection: close\r\n");
        }
        head.append("\r\n");
        return concat(head.toString().getBytes(StandardCharsets.ISO_8859_1), headOnly ? new byte[0] : response.body());
    }

    /** A client request; the connection is closed after the exchange (one connection per call). */
    static byte[] encodeRequest(String method, String path, String contentType, byte[] body) {
        StringBuilder head = new StringBuilder(256)
                .append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append("Host: h\r\n")
                .append("User-Agent: infrakit-java/1\r\n");
        if (body != null) {
            head.append("Content-Type: ").append(contentType).append("\r\n")
                    .append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("Connection: close\r\n\r\n");
        return concat(head.toString().getBytes(StandardCharsets.ISO_8859_1), body == null ? new byte[0] : body);
    }

    /** Reads a response to a request sent with {@link #encodeRequest}, skipping interim (1xx) responses. */
    static Response readResponse(HttpInput in, boolean headRequest, long maxBody, long deadline) throws IOException {
        while (true) {
            String line = in.readLine(deadline);
            String[] parts = line.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || parts[1].length() != 3) {
                throw new HttpProtocolException(502, "not an HTTP response: " + abbreviate(line));
            }
            int status;
            try {
                status = Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                throw new HttpProtocolException(502, "not an HTTP response: " + abbreviate(line));
            }
            HttpHeaders headers = readFields(in, line.length(), deadline);
            if (status >= 100 && status < 200) {
                continue;
            }
            if (headRequest || status == 204 || status == 304) {
                return new Response(status, headers, null);
            }
            byte[] body;
            if (headers.hasToken("Transfer-Encoding", "chunked")) {
                body = in.readChunked(maxBody, deadline);
            } else {
                long length = contentLength(headers, -1);
                if (length > maxBody) {
                    throw new HttpProtocolException(413, "response body of " + length + " bytes is too large");
                }
                body = length < 0 ? in.readToEnd(maxBody, deadline) : in.readExactly((int) length, deadline);
            }
            return new Response(status, headers, body);
        }
    }

    private static HttpHeaders readFields(HttpInput in, int used, long deadline) throws IOException {
        List<HttpHeaders.Field> fields = new ArrayList<>();
        int total = used;
        while (true) {
            String line = in.readLine(deadline);
            total += line.length() + 2;
            if (total > MAX_HEAD_BYTES) {
                throw new HttpProtocolException(431, "header larger than " + MAX_HEAD_BYTES + " bytes");
            }
            if (line.isEmpty()) {
                return new HttpHeaders(fields);
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || line.charAt(0) == ' ' || line.charAt(0) == '\t'
                    || Character.isWhitespace(line.charAt(colon - 1))) {
                throw new HttpProtocolException(400, "malformed header line");
            }
            fields.add(new HttpHeaders.Field(line.substring(0, colon), line.substring(colon + 1).trim()));
        }
    }

    private static long contentLength(HttpHeaders headers, long absent) throws HttpProtocolException {
        List<String> values = headers.all("Content-Length");
        if (values.isEmpty()) {
            return absent;
        }
        long length = -1;
        for (String value : values) {
            long v;
            try {
                v = value.isEmpty() || !value.chars().allMatch(Character::isDigit) ? -1 : Long.parseLong(value);
            } catch (NumberFormatException e) {
                v = -1; // more digits than a long holds
            }
            if (v < 0 || (length >= 0 && v != length)) {
                throw new HttpProtocolException(400, "bad Content-Length");
            }
            length = v;
        }
        return length;
    }

    static String reason(int status) {
        return switch (status) {
            case 100 -> "Continue";
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 413 -> "Request Entity Too Large";
            case 415 -> "Unsupported Media Type";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 503 -> "Service Unavailable";
            default -> "Status " + status;
        };
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }

    private static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(a.length + b.length);
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }
}
