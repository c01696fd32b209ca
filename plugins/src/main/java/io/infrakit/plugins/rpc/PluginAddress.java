package io.infrakit.plugins.rpc;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * Where a plugin listens, in the forms InfraKit's client accepts: a Unix socket path (bare, {@code unix://} or
 * {@code file://}), {@code tcp://host:port} (or {@code http://}), or a {@code NAME.listen} file holding one of
 * those. A listen file is read again on every connection, so a plugin that restarts on another port is followed.
 */
public sealed interface PluginAddress permits PluginAddress.Unix, PluginAddress.Tcp, PluginAddress.ListenFile {

    /** The socket address to connect to now. */
    SocketAddress socketAddress() throws IOException;

    /**
     * @throws IllegalArgumentException when the text is none of the accepted forms
     */
    static PluginAddress parse(String address) {
        Objects.requireNonNull(address, "address");
        String trimmed = address.trim();
        if (trimmed.isEmpty()) {
            throw new IllegalArgumentException("invalid address: empty");
        }
        if (trimmed.endsWith(".listen") && !trimmed.contains("://")) {
            return new ListenFile(Path.of(trimmed));
        }
        int scheme = trimmed.indexOf("://");
        if (scheme < 0) {
            return new Unix(Path.of(trimmed));
        }
        String kind = trimmed.substring(0, scheme).toLowerCase(Locale.ROOT);
        URI uri;
        try {
            uri = new URI(trimmed);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("invalid address " + address + ": " + e.getMessage(), e);
        }
        switch (kind) {
            case "unix", "file" -> {
                String path = uri.getPath();
                if (path == null || path.isEmpty()) {
                    throw new IllegalArgumentException("invalid address " + address + ": no socket path");
                }
                return new Unix(Path.of(path));
            }
            case "tcp", "http" -> {
                if (uri.getHost() == null) {
                    throw new IllegalArgumentException("invalid address " + address + ": no host");
                }
                int port = uri.getPort() >= 0 ? uri.getPort() : kind.equals("http") ? 80 : -1;
                if (port < 0) {
                    throw new IllegalArgumentException("invalid address " + address + ": no port");
                }
                return new Tcp(uri.getHost(), port);
            }
            default -> throw new IllegalArgumentException("invalid address " + address
                    + ": only Unix socket paths, unix://, file://, tcp://, http:// and .listen files are supported");
        }
    }

    /** A Unix domain socket. */
    record Unix(Path path) implements PluginAddress {
        public Unix {
            path = Objects.requireNonNull(path, "path").toAbsolutePath();
        }

        @Override
        public SocketAddress socketAddress() {
            return UnixDomainSocketAddress.of(path);
        }

        @Override
        public String toString() {
            return "unix://" + path;
        }
    }

    /** Plain HTTP over TCP. */
    record Tcp(String host, int port) implements PluginAddress {
        public Tcp {
            Objects.requireNonNull(host, "host");
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("invalid port " + port);
            }
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1); // an IPv6 literal as a URI writes it
            }
        }

        @Override
        public SocketAddress socketAddress() {
            return new InetSocketAddress(host, port);
        }

        @Override
        public String toString() {
            return "tcp://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /** A file whose content is the address (InfraKit's TCP plugins advertise themselves this way). */
    record ListenFile(Path file) implements PluginAddress {
        public ListenFile {
            file = Objects.requireNonNull(file, "file").toAbsolutePath();
        }

        /** The address the file holds now. */
        public PluginAddress target() throws IOException {
            String content = Files.readString(file, StandardCharsets.UTF_8).trim();
            PluginAddress target;
            try {
                target = parse(content);
            } catch (IllegalArgumentException e) {
                throw new IOException(file + " does not hold an address: " + e.getMessage(), e);
            }
            if (target instanceof ListenFile) {
                throw new IOException(file + " points at another listen file: " + content);
            }
            return target;
        }

        @Override
        public SocketAddress socketAddress() throws IOException {
            return target().socketAddress();
        }

        @Override
        public String toString() {
            return file.toString();
        }
    }
}
