package io.infrakit.plugins.rpc;

import io.infrakit.plugins.spi.ManagerPlugin;
import java.util.Map;
import java.util.SortedMap;

/** InfraKit's {@code Manager} RPC service ({@code pkg/rpc/manager}, {@code Manager/0.1.0}): only IsLeader. */
final class ManagerService extends RpcService<ManagerPlugin> {

    ManagerService(ManagerPlugin plugin) {
        super(InterfaceSpec.MANAGER_0_1_0, plugin, Map.of());
    }

    @Override
    void register(RpcDispatcher d) {
        d.register("Manager", "IsLeader", params -> {
            params(params);
            return JsonRpc.NODES.objectNode().put("Leader", plugin("").isLeader());
        });
    }

    @Override
    SortedMap<String, Example> examples() {
        SortedMap<String, Example> examples = sorted();
        examples.put("IsLeader", new Example(JsonRpc.NODES.objectNode(),
                JsonRpc.NODES.objectNode().put("Leader", false)));
        return examples;
    }
}
