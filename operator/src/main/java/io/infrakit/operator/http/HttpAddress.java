package io.infrakit.operator.http;

import java.net.InetSocketAddress;

/**
 * Where the HTTP endpoint listens: {@code host:port}, {@code :port} (loopback), {@code [v6]:port}, or {@code off}.
 * The default port 9095 stays clear of Prometheus (9090), the Pushgateway (9091) and Alertmanager (9093).
 */
public record HttpAddress(String host, int port) {

    public static final String DEFAULT = "127.0.0.1:9095";

    public HttpAddress {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("bad port " + port);
        }
    }

    /** Null for {@code off}. */
    public static HttpAddress parse(String value) {
        String v = value == null ? DEFAULT : value.strip();
        if (v.equalsIgnoreCase("off")) {
            return null;
        }
        int colon = v.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("expected HOST:PORT, :PORT or off, not '" + value + "'");
        }
        String host = v.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(v.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad port in '" + value + "'", e);
        }
        return new HttpAddress(host.isEmpty() ? "127.0.0.1" : host, port);
    }

    public InetSocketAddress socketAddress() {
        return new InetSocketAddress(host, port);
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
