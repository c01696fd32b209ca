package io.infrakit.plugins.rpc;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The client's side of InfraKit's handshake: which version of an interface the plugin speaks, asked once. A
 * mismatch is remembered; a transport failure is not (the next call asks again), and {@link #forget} makes the next
 * call ask again too, for a plugin that may have restarted as another version.
 */
final class Handshake {

    private final RpcClient client;
    private final String name;
    /** Versions this client can speak; the first is the one named in InfraKit's "client requires" message. */
    private final List<String> versions;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile InterfaceSpec agreed;
    private volatile String mismatch;

    Handshake(RpcClient client, String name, List<String> versions) {
        if (versions.isEmpty()) {
            throw new IllegalArgumentException("no versions to accept");
        }
        this.client = client;
        this.name = name;
        this.versions = List.copyOf(versions);
    }

    /**
     * The version agreed with the plugin, asking it if needed.
     *
     * @throws UnsupportedInterfaceException when the plugin does not offer a version this client speaks
     * @throws PluginTransportException when the plugin cannot be asked before the deadline
     */
    InterfaceSpec ensure(long deadline) {
        InterfaceSpec known = agreed;
        if (known != null) {
            return known;
        }
        try {
            if (!lock.tryLock(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw new PluginTransportException("plugin at " + client.address()
                        + " did not finish its handshake within " + RpcClient.format(client.timeout()), true, null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PluginTransportException("interrupted waiting for the handshake with plugin at "
                    + client.address(), false, e);
        }
        try {
            if (agreed != null) {
                return agreed;
            }
            if (mismatch != null) {
                throw new UnsupportedInterfaceException(mismatch);
            }
            InterfaceSpec match = null;
            String error = "Plugin does not support interface " + new InterfaceSpec(name, versions.get(0));
            for (InterfaceSpec api : client.implementedInterfaces(deadline)) {
                if (api.name().equals(name)) {
                    if (versions.contains(api.version())) {
                        match = api;
                        break;
                    }
                    error = "Plugin supports " + name + " interface version " + api.version() + ", client requires "
                            + versions.get(0);
                }
            }
            if (match == null) {
                mismatch = error;
                throw new UnsupportedInterfaceException(error);
            }
            agreed = match;
            return match;
        } finally {
            lock.unlock();
        }
    }

    /** Makes the next call handshake again. */
    void forget() {
        agreed = null;
        mismatch = null;
    }
}
