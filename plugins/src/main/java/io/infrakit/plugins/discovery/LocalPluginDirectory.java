package io.infrakit.plugins.discovery;

import io.infrakit.plugins.InfraKitHome;
import io.infrakit.plugins.PluginNotFoundException;
import io.infrakit.plugins.rpc.PluginAddress;
import io.infrakit.plugins.rpc.PluginTransportException;
import io.infrakit.plugins.rpc.RpcClient;
import io.infrakit.plugins.spi.PluginException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * InfraKit's local plugin discovery: every Unix socket in the plugin directory is a plugin named by its file name,
 * every {@code NAME.listen} file holds the URL of a TCP plugin ({@code tcp://host:port}), everything else ({@code NAME.pid}, hidden
 * files) is ignored. The directory is read again on every call, so a plugin started later is found.
 */
public final class LocalPluginDirectory {

    private static final Logger LOG = LoggerFactory.getLogger(LocalPluginDirectory.class);

    /** The variable naming the plugin directory. */
    public static final String PLUGINS_DIR_ENV = "INFRAKIT_PLUGINS_DIR";
    /** The variable naming InfraKit's home; the plugin directory is {@code plugins} in it. */
    public static final String HOME_ENV = InfraKitHome.ENV;
    static final String LISTEN_SUFFIX = ".listen";

    private final Path directory;

    /** The directory, created (mode 0700) when missing; a failure to create it is logged, not thrown. */
    public LocalPluginDirectory(Path directory) {
        this.directory = Objects.requireNonNull(directory, "directory").toAbsolutePath();
        if (!Files.isDirectory(this.directory)) {
            try {
                Files.createDirectories(this.directory,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (FileAlreadyExistsException e) {
                LOG.warn("plugin directory {} exists and is not a directory", this.directory);
            } catch (IOException e) {
                LOG.warn("cannot create the plugin directory {}: {}", this.directory, e.toString());
            }
        }
    }

    /** The directory InfraKit would use in this process's environment. */
    public static LocalPluginDirectory fromEnvironment() {
        return new LocalPluginDirectory(resolve(System.getenv(), InfraKitHome.userHome(System.getenv())));
    }

    /** {@code $INFRAKIT_PLUGINS_DIR}, else {@code $INFRAKIT_HOME/plugins}, else {@code ~/.infrakit/plugins}. */
    public static Path resolve(Map<String, String> env, Path userHome) {
        String dir = env.get(PLUGINS_DIR_ENV);
        if (dir != null && !dir.isBlank()) {
            return Path.of(dir);
        }
        String home = env.get(HOME_ENV);
        if (home != null && !home.isBlank()) {
            return Path.of(home, "plugins");
        }
        return userHome.resolve(".infrakit").resolve("plugins");
    }

    public Path directory() {
        return directory;
    }

    /** Every plugin in the directory now, by name (sorted). A socket wins over a listen file of the same name. */
    public Map<String, PluginEndpoint> list() {
        Map<String, PluginEndpoint> found = new TreeMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path path : entries) {
                PluginEndpoint endpoint = endpoint(path);
                if (endpoint != null && (isSocket(endpoint) || !found.containsKey(endpoint.name()))) {
                    found.put(endpoint.name(), endpoint);
                }
            }
        } catch (NoSuchFileException e) {
            return found;
        } catch (IOException e) {
            throw new PluginException("cannot list the plugin directory " + directory + ": " + e, e);
        }
        return found;
    }

    /**
     * The plugin with the lookup part of {@code name} ({@code lookup[/type]}).
     *
     * @throws PluginNotFoundException naming this directory and the plugins in it
     */
    public PluginEndpoint find(String name) {
        String lookup = name.indexOf('/') < 0 ? name : name.substring(0, name.indexOf('/'));
        Map<String, PluginEndpoint> all = list();
        PluginEndpoint endpoint = all.get(lookup);
        if (endpoint == null) {
            throw new PluginNotFoundException("local", lookup, all.keySet(), List.of(directory.toString()));
        }
        return endpoint;
    }

    /**
     * Removes sockets nobody listens on any more (left by a plugin that crashed), with their pid files.
     *
     * @return the names removed
     */
    public List<String> pruneStale() {
        List<String> removed = new ArrayList<>();
        for (PluginEndpoint e : list().values()) {
            if (isSocket(e) && refused(e.file())) {
                try {
                    Files.deleteIfExists(e.file());
                    Files.deleteIfExists(e.file().resolveSibling(e.name() + ".pid"));
                    removed.add(e.name());
                    LOG.info("removed the stale plugin socket {}", e.file());
                } catch (IOException ex) {
                    LOG.warn("cannot remove the stale plugin socket {}: {}", e.file(), ex.toString());
                }
            }
        }
        return removed;
    }

    /**
     * Asks every plugin which interfaces it implements (in parallel, each within {@code timeout}).
     *
     * @return by plugin name, sorted
     */
    public Map<String, DiscoveredPlugin> describeAll(Duration timeout) {
        Map<String, PluginEndpoint> endpoints = list();
        Map<String, DiscoveredPlugin> out = new TreeMap<>();
        if (endpoints.isEmpty()) {
            return out;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(endpoints.size(), 8), r -> {
            Thread t = new Thread(r, "infrakit-plugin-describe");
            t.setDaemon(true);
            return t;
        });
        try {
            Map<String, CompletableFuture<DiscoveredPlugin>> pending = new TreeMap<>();
            endpoints.forEach((name, e) -> pending.put(name, CompletableFuture.supplyAsync(() -> describe(e, timeout),
                    pool)));
            pending.forEach((name, future) -> out.put(name, future.join()));
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    private static DiscoveredPlugin describe(PluginEndpoint endpoint, Duration timeout) {
        try {
            return new DiscoveredPlugin(endpoint,
                    new RpcClient(endpoint.pluginAddress(), timeout).implementedInterfaces(), null);
        } catch (PluginTransportException e) {
            return new DiscoveredPlugin(endpoint, List.of(), e.getMessage());
        } catch (PluginException e) {
            return new DiscoveredPlugin(endpoint, List.of(), "handshake failed: " + e.getMessage());
        }
    }

    private PluginEndpoint endpoint(Path path) {
        String file = path.getFileName().toString();
        if (file.startsWith(".")) {
            return null; // a server's socket before it is renamed into place, editor files, ...
        }
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return null; // gone while listing
        }
        if (attributes.isOther()) {
            return new PluginEndpoint(file, "unix", path.toString(), path);
        }
        if (file.endsWith(LISTEN_SUFFIX) && file.length() > LISTEN_SUFFIX.length() && attributes.isRegularFile()) {
            String name = file.substring(0, file.length() - LISTEN_SUFFIX.length());
            try {
                String content = Files.readString(path, StandardCharsets.UTF_8).trim();
                int scheme = content.indexOf("://");
                if (scheme <= 0) {
                    throw new IllegalArgumentException("not a URL: " + content);
                }
                PluginAddress.parse(content); // a URL we cannot reach is no plugin to us
                return new PluginEndpoint(name, content.substring(0, scheme).toLowerCase(Locale.ROOT), content, path);
            } catch (IOException | IllegalArgumentException e) {
                LOG.debug("ignoring {}: {}", path, e.toString());
                return null;
            }
        }
        return null;
    }

    /** Found as a socket file (not through a listen file). */
    private static boolean isSocket(PluginEndpoint e) {
        return e.file().toString().equals(e.address());
    }

    private static boolean refused(Path socket) {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(socket));
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public String toString() {
        return "LocalPluginDirectory[" + directory + "]";
    }
}
