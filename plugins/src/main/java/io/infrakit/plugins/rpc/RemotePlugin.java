package io.infrakit.plugins.rpc;

import java.util.List;
import java.util.Objects;

/** What every plugin client shares: one interface on one endpoint, negotiated on first use, and its sub-type. */
public abstract class RemotePlugin {

    final RemoteCalls calls;

    RemotePlugin(RpcClient client, String interfaceName, List<String> versions, String type) {
        this.calls = new RemoteCalls(Objects.requireNonNull(client, "client"), interfaceName, versions, type);
    }

    /** Another view of the same endpoint (same client, same negotiated version). */
    RemotePlugin(RemotePlugin same) {
        this.calls = same.calls;
    }

    /** The version agreed with the plugin, handshaking now if that has not happened yet. */
    public InterfaceSpec negotiatedInterface() {
        return calls.negotiate();
    }

    public RpcClient client() {
        return calls.client();
    }

    /** The sub-type sent as {@code Type} ("" for none). */
    public String type() {
        return calls.type();
    }
}
