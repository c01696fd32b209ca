package io.infrakit.store;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How to reach etcd. Endpoints are URLs ({@code http://127.0.0.1:2379}); a bare {@code host:port} means plain HTTP.
 * TLS is used when an endpoint is {@code https://} or a CA certificate is given; a client certificate and key (PEM,
 * key in PKCS#8) authenticate this client. User and password enable etcd's own authentication.
 */
public record StoreConfig(
        List<String> endpoints,
        Duration requestTimeout,
        Duration connectTimeout,
        Duration keepaliveTime,
        Duration keepaliveTimeout,
        Path caCert,
        Path clientCert,
        Path clientKey,
        String user,
        String password) {

    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    /**
     * gRPC pings a connection that has calls waiting after this long without a frame from etcd. gRPC allows no less
     * than 10 s, and etcd closes connections that ping more often than its {@code --grpc-keepalive-min-time} (5 s).
     */
    public static final Duration DEFAULT_KEEPALIVE_TIME = Duration.ofSeconds(10);
    public static final Duration DEFAULT_KEEPALIVE_TIMEOUT = Duration.ofSeconds(3);

    public StoreConfig {
        Objects.requireNonNull(endpoints, "endpoints");
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("at least one etcd endpoint is required");
        }
        endpoints = endpoints.stream().map(StoreConfig::normalize).toList();
        requestTimeout = positive(requestTimeout == null ? DEFAULT_REQUEST_TIMEOUT : requestTimeout, "requestTimeout");
        connectTimeout = positive(connectTimeout == null ? DEFAULT_CONNECT_TIMEOUT : connectTimeout, "connectTimeout");
        keepaliveTime = positive(keepaliveTime == null ? DEFAULT_KEEPALIVE_TIME : keepaliveTime, "keepaliveTime");
        keepaliveTimeout = positive(keepaliveTimeout == null ? DEFAULT_KEEPALIVE_TIMEOUT : keepaliveTimeout,
                "keepaliveTimeout");
        if ((clientCert == null) != (clientKey == null)) {
            throw new IllegalArgumentException("a client certificate needs its key, and a key its certificate");
        }
        if ((user == null) != (password == null)) {
            throw new IllegalArgumentException("etcd authentication needs both user and password");
        }
    }

    public static StoreConfig of(String... endpoints) {
        return builder().endpoints(endpoints).build();
    }

    /** Whether the connection is encrypted. */
    public boolean tls() {
        return caCert != null || clientCert != null || endpoints.stream().anyMatch(e -> e.startsWith("https://"));
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.endpoints.addAll(endpoints);
        return b.requestTimeout(requestTimeout).connectTimeout(connectTimeout)
                .keepalive(keepaliveTime, keepaliveTimeout)
                .caCert(caCert).clientCert(clientCert, clientKey).credentials(user, password);
    }

    @Override
    public String toString() {
        // Never print the password.
        return "StoreConfig[endpoints=" + endpoints + ", requestTimeout=" + requestTimeout
                + ", connectTimeout=" + connectTimeout + ", keepaliveTime=" + keepaliveTime
                + ", keepaliveTimeout=" + keepaliveTimeout + ", caCert=" + caCert + ", clientCert=" + clientCert
                + ", clientKey=" + clientKey + ", user=" + user + ", password=" + (password == null ? null : "***")
                + "]";
    }

    /**
     * The endpoint as it may be printed: whatever stands between {@code ://} (or the start) and the last {@code @}
     * is masked, since that is where a URL carries a user and password.
     */
    public static String redact(String endpoint) {
        int at = endpoint.lastIndexOf('@');
        if (at < 0) {
            return endpoint;
        }
        int scheme = endpoint.indexOf("://");
        int from = scheme >= 0 && scheme < at ? scheme + 3 : 0;
        return endpoint.substring(0, from) + "***" + endpoint.substring(at);
    }

    private static String normalize(String endpoint) {
        Objects.requireNonNull(endpoint, "endpoint");
        String url = endpoint.strip();
        if (url.indexOf('@') >= 0) {
            throw new IllegalArgumentException("etcd endpoint '" + redact(url) + "' carries a user or password: "
                    + "give them apart from the URL, where they would be printed and logged");
        }
        if (!url.contains("://")) {
            url = "http://" + url;
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("bad etcd endpoint '" + endpoint + "': " + e.getReason(), e);
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
                || uri.getHost() == null || uri.getPort() <= 0) {
            throw new IllegalArgumentException(
                    "bad etcd endpoint '" + endpoint + "': expected http(s)://host:port");
        }
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** Whether every byte to this endpoint stays on this host: a loopback address, or {@code localhost}. */
    public static boolean isLoopback(String endpoint) {
        String host = URI.create(normalize(endpoint)).getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return host.equals("localhost") || host.equals("::1") || host.equals("0:0:0:0:0:0:0:1")
                || host.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    }

    private static Duration positive(Duration d, String name) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
        return d;
    }

    public static final class Builder {
        private final List<String> endpoints = new ArrayList<>();
        private Duration requestTimeout;
        private Duration connectTimeout;
        private Duration keepaliveTime;
        private Duration keepaliveTimeout;
        private Path caCert;
        private Path clientCert;
        private Path clientKey;
        private String user;
        private String password;

        private Builder() {
        }

        public Builder endpoints(String... urls) {
            return endpoints(List.of(urls));
        }

        public Builder endpoints(List<String> urls) {
            endpoints.clear();
            endpoints.addAll(urls);
            return this;
        }

        /** Deadline of every request (default 5 s). */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = timeout;
            return this;
        }

        /** Deadline of one TCP connection attempt (default 2 s). */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        /**
         * How soon a connection on which calls wait but nothing arrives is pinged (default 10 s, at least 10 s), and
         * how long the ping may go unanswered before the connection is dropped and another endpoint used (default
         * 3 s). Below etcd's {@code --grpc-keepalive-min-time} etcd closes the connection instead.
         */
        public Builder keepalive(Duration time, Duration timeout) {
            this.keepaliveTime = time;
            this.keepaliveTimeout = timeout;
            return this;
        }

        /** PEM CA bundle that signed the etcd server certificates. */
        public Builder caCert(Path caCert) {
            this.caCert = caCert;
            return this;
        }

        /** PEM client certificate and its PKCS#8 PEM key, for etcd's --client-cert-auth. */
        public Builder clientCert(Path cert, Path key) {
            this.clientCert = cert;
            this.clientKey = key;
            return this;
        }

        public Builder credentials(String user, String password) {
            this.user = user;
            this.password = password;
            return this;
        }

        public StoreConfig build() {
            return new StoreConfig(endpoints, requestTimeout, connectTimeout, keepaliveTime, keepaliveTimeout, caCert,
                    clientCert, clientKey, user, password);
        }
    }
}
