package io.infrakit.plugins.discovery;

import io.infrakit.plugins.state.InfraKitHome;
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
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * InfraKit's local plugin discovery: every Unix socket in the plugin directory is a plugin named by its file name,
 * every {@code NAME.listen} file holds the URL of a TCP plugin ({@code tcp://host:port}), everything else ({@code NAME.pid}, hidden
 * files) is ignored. The directory is read again on every call, so a plugin started later is found.
 *
 * <p>Whoever can put a socket here receives the operator's calls, init scripts and their secrets included, and can
 * answer them. So a directory that other users may write is refused, and a socket or listen file that another user
 * owns is not used (logged once, and named when it is looked up), unless other users are allowed explicitly. Root
 * counts as this user.
 */
public final class LocalPluginDirectory {

    private static final Logger LOG = LoggerFactory.getLogger(LocalPluginDirectory.class);

    /** The variable naming the plugin directory. */
    public static final String PLUGINS_DIR_ENV = "INFRAKIT_PLUGINS_DIR";
    /** The variable naming InfraKit's home; the plugin directory is {@code plugins} in it. */
    public static final String HOME_ENV = InfraKitHome.ENV;
    static final String LISTEN_SUFFIX = ".listen";

    private final Path directory;
    private final boolean allowOtherUsers;
    /** Refused files already logged, by path and identity: each is logged once. */
    private final Set<List<Object>> reported = ConcurrentHashMap.newKeySet();

    /** The directory, created (mode 0700) when missing; plugins of other users are refused. */
    public LocalPluginDirectory(Path directory) {
        this(directory, false);
    }

    /**
     * The directory, created (mode 0700) when missing; a failure to create it is logged, not thrown.
     *
     * @param allowOtherUsers accept a directory that others may write, and use plugins that other users own
     */
    public LocalPluginDirectory(Path directory, boolean allowOtherUsers) {
        this.allowOtherUsers = allowOtherUsers;
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
    public static LocalPluginDirectory fromEnvironment(boolean allowOtherUsers) {
        return new LocalPluginDirectory(resolve(System.getenv(), InfraKitHome.userHome(System.getenv())),
                allowOtherUsers);
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

    /**
     * Refuses the directory when users other than this one (and root) could put files in it: by its mode, or by
     * belonging to someone else. A missing directory holds nothing to trust, and passes.
     *
     * @throws PluginException saying why and what to do
     */
    public void checkTrusted() {
        if (allowOtherUsers) {
            return;
        }
        String why;
        try {
            why = PluginFiles.whyOthersCanWrite(directory);
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException e) {
            throw new PluginException("cannot check the plugin directory " + directory + ": " + e, e);
        }
        if (why != null) {
            throw new PluginException("the plugin directory " + directory + " " + why + ": another user could "
                    + "put a socket there and receive the operator's calls, init scripts included. Make it private "
                    + "(chmod 700 " + directory + "), use another (--plugins-dir), or accept it with "
                    + "--allow-foreign-plugins");
        }
    }

    /**
     * Every plugin in the directory now, by name (sorted). A socket wins over a listen file of the same name.
     *
     * @throws PluginException when the directory is not {@linkplain #checkTrusted() trusted}
     */
    public Map<String, PluginEndpoint> list() {
        return scan().usable();
    }

    /** The usable plugins, and those of other users with why they are not used. */
    private record Scan(Map<String, PluginEndpoint> usable, Map<String, Refused> refused) {
    }

    private record Refused(PluginEndpoint endpoint, String reason) {
    }

    private Scan scan() {
        checkTrusted();
        Map<String, PluginEndpoint> found = new TreeMap<>();
        Map<String, Refused> refused = new TreeMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path path : entries) {
                PluginEndpoint endpoint = endpoint(path);
                if (endpoint == null) {
                    continue;
                }
                String refusal = refusal(endpoint);
                if (refusal != null) {
                    refused.put(endpoint.name(), new Refused(endpoint, refusal));
                } else if (isSocket(endpoint) || !found.containsKey(endpoint.name())) {
                    found.put(endpoint.name(), endpoint);
                }
            }
        } catch (NoSuchFileException e) {
            return new Scan(found, refused);
        } catch (IOException e) {
            throw new PluginException("cannot list the plugin directory " + directory + ": " + e, e);
        }
        refused.keySet().removeAll(found.keySet());
        return new Scan(found, refused);
    }

    /** Why a plugin file is not used (another user owns it), or null when it is. */
    private String refusal(PluginEndpoint endpoint) {
        if (allowOtherUsers) {
            return null;
        }
        Path file = endpoint.file();
        PluginFiles.Owner owner;
        try {
            owner = PluginFiles.owner(file, false);
        } catch (IOException e) {
            return "cannot tell who owns " + file + ": " + e;
        }
        if (PluginFiles.trusted(owner)) {
            return null;
        }
        String reason = "plugin " + (isSocket(endpoint) ? "socket " : "listen file ") + file + " belongs to user "
                + owner + ", not to " + PluginFiles.current() + ": not used (start the plugin as this user, or "
                + "allow other users' plugins with --allow-foreign-plugins)";
        if (reported.add(List.of(file, String.valueOf(PluginFiles.identity(file))))) {
            LOG.warn(reason);
        }
        return reason;
    }

    /**
     * The plugin with the lookup part of {@code name} ({@code lookup[/type]}).
     *
     * @throws PluginNotFoundException naming this directory and the plugins in it
     */
    public PluginEndpoint find(String name) {
        return find("local", name);
    }

    /**
     * The plugin of that kind ("instance", "flavor", ...) with the lookup part of {@code name}.
     *
     * @throws PluginNotFoundException naming this directory and the plugins in it
     * @throws PluginException when the plugin of that name belongs to another user
     */
    public PluginEndpoint find(String kind, String name) {
        String lookup = name.indexOf('/') < 0 ? name : name.substring(0, name.indexOf('/'));
        Scan scan = scan();
        PluginEndpoint endpoint = scan.usable().get(lookup);
        if (endpoint == null) {
            Refused refused = scan.refused().get(lookup);
            if (refused != null) {
                throw new PluginException(refused.reason());
            }
            throw new PluginNotFoundException(kind, lookup, scan.usable().keySet(), List.of(directory.toString()));
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
        Scan scan = scan();
        Map<String, PluginEndpoint> endpoints = scan.usable();
        Map<String, DiscoveredPlugin> out = new TreeMap<>();
        scan.refused().forEach((name, r) -> out.put(name, new DiscoveredPlugin(r.endpoint(), List.of(), r.reason())));
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
