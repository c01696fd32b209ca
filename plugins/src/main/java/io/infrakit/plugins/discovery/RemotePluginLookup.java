package io.infrakit.plugins.discovery;

import io.infrakit.plugins.PluginLookup;
import io.infrakit.plugins.rpc.RemoteFlavorPlugin;
import io.infrakit.plugins.rpc.RemoteGroupPlugin;
import io.infrakit.plugins.rpc.RemoteInstancePlugin;
import io.infrakit.plugins.rpc.RpcClient;
import io.infrakit.plugins.spi.FlavorPlugin;
import io.infrakit.plugins.spi.GroupPlugin;
import io.infrakit.plugins.spi.InstancePlugin;
import io.infrakit.plugins.spi.PluginName;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Plugins in other processes, found in a {@link LocalPluginDirectory}: the name's lookup part picks the socket,
 * its type part is sent as {@code Type}. The directory is read on every lookup (a plugin started later is found,
 * one that stopped is not); the client for a socket is kept, so its handshake is done once per plugin process.
 * Typically chained after the built-ins: {@code PluginRegistry.builtins(dir).orElse(new RemotePluginLookup(...))}.
 */
public final class RemotePluginLookup implements PluginLookup {

    private record Key(String kind, String address, String type) {
    }

    /** A client and the identity of the socket file it was made for. */
    private record Entry(Object fileKey, Object plugin) {
    }

    private final LocalPluginDirectory directory;
    private final Duration timeout;
    private final Map<Key, Entry> plugins = new ConcurrentHashMap<>();

    /** Calls time out after {@code INFRAKIT_CLIENT_TIMEOUT}, else {@link RpcClient#DEFAULT_TIMEOUT}. */
    public RemotePluginLookup(LocalPluginDirectory directory) {
        this(directory, RpcClient.timeoutFromEnvironment(System.getenv()));
    }

    public RemotePluginLookup(LocalPluginDirectory directory, Duration timeout) {
        this.directory = Objects.requireNonNull(directory, "directory");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    public LocalPluginDirectory directory() {
        return directory;
    }

    @Override
    public InstancePlugin instance(PluginName name) {
        PluginEndpoint endpoint = find("instance", name);
        return (InstancePlugin) cached("instance", endpoint, name,
                () -> new RemoteInstancePlugin(new RpcClient(endpoint.pluginAddress(), timeout), name.type()));
    }

    @Override
    public FlavorPlugin flavor(PluginName name) {
        PluginEndpoint endpoint = find("flavor", name);
        return (FlavorPlugin) cached("flavor", endpoint, name,
                () -> new RemoteFlavorPlugin(new RpcClient(endpoint.pluginAddress(), timeout), name.type()));
    }

    @Override
    public GroupPlugin group(PluginName name) {
        PluginEndpoint endpoint = find("group", name);
        return (GroupPlugin) cached("group", endpoint, name,
                () -> new RemoteGroupPlugin(new RpcClient(endpoint.pluginAddress(), timeout)));
    }

    private PluginEndpoint find(String kind, PluginName name) {
        Objects.requireNonNull(name, "name");
        return directory.find(kind, name.lookup());
    }

    /**
     * The client made for this endpoint, unless its file was replaced since: a restarted plugin (a new socket) gets
     * a new client, whose handshake learns the version the new process speaks.
     */
    private Object cached(String kind, PluginEndpoint endpoint, PluginName name, Supplier<Object> make) {
        Object fileKey = PluginFiles.identity(endpoint.file());
        Key key = new Key(kind, endpoint.pluginAddress().toString(), name.type());
        return plugins.compute(key, (k, old) -> old != null && Objects.equals(old.fileKey(), fileKey)
                ? old : new Entry(fileKey, make.get())).plugin();
    }

    @Override
    public String toString() {
        return "RemotePluginLookup[" + directory.directory() + "]";
    }
}
