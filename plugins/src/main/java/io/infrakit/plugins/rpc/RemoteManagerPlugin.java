package io.infrakit.plugins.rpc;

import io.infrakit.plugins.spi.ManagerPlugin;
import java.util.List;

/** InfraKit's {@code Manager/0.1.0} in another process: whether that node leads. */
public final class RemoteManagerPlugin extends RemotePlugin implements ManagerPlugin {

    public RemoteManagerPlugin(RpcClient client) {
        super(client, "Manager", List.of("0.1.0"), "");
    }

    @Override
    public boolean isLeader() {
        return SpiWire.bool(calls.call("Manager.IsLeader", v -> JsonRpc.NODES.objectNode()), "Leader");
    }

    @Override
    public String toString() {
        return "RemoteManagerPlugin[" + calls + "]";
    }
}
