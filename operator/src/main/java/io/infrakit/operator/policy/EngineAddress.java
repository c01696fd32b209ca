package io.infrakit.operator.policy;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * A Docker engine address as docker-java reads {@code Docker.Host}: {@code unix:///path/docker.sock} or
 * {@code tcp://host:port} ({@code http://} and {@code https://} too), and how a policy's engine patterns match
 * it.
 *
 * @param host the host as written (empty for a socket)
 * @param port -1 when not written
 * @param path the socket's path (empty for a network engine)
 */
record EngineAddress(String scheme, String host, int port, String path) {

    /** @throws IllegalArgumentException when it is not such an address */
    static EngineAddress parse(String address) {
        URI uri;
        try {
            uri = new URI(address.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("is not an engine address: " + e.getMessage(), e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("unix") && uri.getPath() != null && uri.getPath().startsWith("/")) {
            return new EngineAddress(scheme, "", -1, uri.getPath());
        }
        if ((scheme.equals("tcp") || scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
            return new EngineAddress(scheme, uri.getHost(), uri.getPort(), "");
        }
        throw new IllegalArgumentException("is not unix:///path or tcp://host:port");
    }

    boolean socket() {
        return scheme.equals("unix");
    }

    /**
     * One entry of {@code DockerEngines}: {@code *} (any network engine that is not internal), {@code unix:///path}
     * (a glob on the socket's path), or {@code scheme://host[:port]} (a host pattern of {@link HostPatterns#host};
     * any port when none is written).
     */
    record Pattern(String scheme, String host, int port, String path) {

        static final Pattern ANY = new Pattern("*", "*", -1, "");

        /** @throws IllegalArgumentException when it is none of those */
        static Pattern parse(String pattern) {
            if (pattern.equals("*")) {
                return ANY;
            }
            int sep = pattern.indexOf("://");
            String scheme = sep < 0 ? "" : pattern.substring(0, sep).toLowerCase(Locale.ROOT);
            String rest = sep < 0 ? "" : pattern.substring(sep + 3);
            if (scheme.equals("unix") && rest.startsWith("/")) {
                return new Pattern(scheme, "", -1, rest);
            }
            if (!(scheme.equals("tcp") || scheme.equals("http") || scheme.equals("https")) || rest.isEmpty()) {
                throw new IllegalArgumentException("must be *, unix:///path or tcp://host[:port]");
            }
            int colon = rest.lastIndexOf(':');
            if (colon > rest.lastIndexOf(']') && rest.indexOf(':') == colon) {
                try {
                    return new Pattern(scheme, rest.substring(0, colon), Integer.parseInt(rest.substring(colon + 1)),
                            "");
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("has a port that is not a number", e);
                }
            }
            return new Pattern(scheme, rest, -1, "");
        }

        boolean matches(EngineAddress a, boolean internalAllowed) {
            if (this == ANY || scheme.equals("*")) {
                return !a.socket() && HostPatterns.host("*", a.host(), internalAllowed);
            }
            if (!scheme.equals(a.scheme())) {
                return false;
            }
            if (a.socket()) {
                return HostPatterns.glob(path, a.path());
            }
            return (port < 0 || port == a.port()) && HostPatterns.host(host, a.host(), internalAllowed);
        }
    }
}
