package io.infrakit.plugins.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.transport.SSLConfig;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import java.time.Duration;
import java.util.Objects;

/**
 * Makes Docker Engine API clients. The API version is pinned to {@link #API_VERSION} rather than negotiated upward:
 * engines from Debian's {@code docker.io} 20.10 refuse paths above it, and every call used here exists in it.
 */
public final class DockerClients {

    /** The Engine API version every client speaks. */
    public static final String API_VERSION = "1.41";
    /** The engine's usual socket, when neither a host nor {@code DOCKER_HOST} says otherwise. */
    public static final String DEFAULT_HOST = "unix:///var/run/docker.sock";

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(60);

    private DockerClients() {
    }

    /** The engine at {@code DOCKER_HOST}, else at {@link #DEFAULT_HOST}. */
    public static String defaultHost() {
        String env = System.getenv("DOCKER_HOST");
        return env == null || env.isBlank() ? DEFAULT_HOST : env;
    }

    /** A client for the engine at {@code host} ({@code unix:///path} or {@code tcp://host:port}), without TLS. */
    public static DockerClient connect(String host) {
        return connect(host, null);
    }

    /**
     * A client for the engine at {@code host}; {@code ssl} may be null for a plain connection. TLS is the transport's
     * business only, so the client's own TLS settings (and {@code DOCKER_TLS_VERIFY}) play no part.
     */
    public static DockerClient connect(String host, SSLConfig ssl) {
        return connect(host, ssl, RESPONSE_TIMEOUT);
    }

    /**
     * A client for long-lived streams (the event stream): no response timeout, which would otherwise end a stream
     * after every quiet minute.
     */
    public static DockerClient streaming(String host) {
        return connect(host, null, null);
    }

    /**
     * A client whose calls give up after {@code responseTimeout} (null: never, for streams). Engines on machines
     * that come and go want a short one: a pooled connection to a machine that vanished hangs a call until then.
     */
    public static DockerClient connect(String host, SSLConfig ssl, Duration responseTimeout) {
        Objects.requireNonNull(host, "host");
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(host)
                .withApiVersion(API_VERSION)
                .build();
        ZerodepDockerHttpClient.Builder http = new ZerodepDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .sslConfig(ssl)
                .maxConnections(32)
                .connectionTimeout(CONNECT_TIMEOUT);
        if (responseTimeout != null) {
            http.responseTimeout(responseTimeout);
        }
        return DockerClientImpl.getInstance(config, http.build());
    }
}
