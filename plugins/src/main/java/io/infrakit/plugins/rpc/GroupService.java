package io.infrakit.plugins.rpc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.infrakit.plugins.json.ObjectFields;
import io.infrakit.plugins.spi.GroupDescription;
import io.infrakit.plugins.spi.GroupPlugin;
import io.infrakit.plugins.spi.GroupSpec;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * InfraKit's {@code Group} RPC service ({@code pkg/rpc/group}, {@code Group/0.1.0}). Its requests carry no
 * {@code Type}: a socket serves one group plugin.
 */
final class GroupService extends RpcService<GroupPlugin> {

    GroupService(GroupPlugin plugin) {
        super(InterfaceSpec.GROUP_0_1_0, plugin, Map.of());
    }

    @Override
    void register(RpcDispatcher d) {
        d.register("Group", "CommitGroup", params -> {
            ObjectFields p = params(params);
            GroupSpec spec = GroupWire.spec(p, "Spec");
            boolean pretend = SpiWire.bool(p, "Pretend");
            return node().put("Details", plugin("").commitGroup(spec, pretend));
        });
        d.register("Group", "FreeGroup", params -> {
            plugin("").freeGroup(id(params(params)));
            return node().put("OK", true);
        });
        d.register("Group", "DescribeGroup", params -> {
            GroupDescription description = plugin("").describeGroup(id(params(params)));
            ObjectNode result = node();
            result.set("Description", GroupWire.description(description));
            return result;
        });
        d.register("Group", "DestroyGroup", params -> {
            plugin("").destroyGroup(id(params(params)));
            return node().put("OK", true);
        });
        d.register("Group", "InspectGroups", params -> {
            List<GroupSpec> groups = plugin("").inspectGroups();
            ObjectNode result = node();
            result.set("Groups", GroupWire.specs(groups));
            return result;
        });
    }

    private static String id(ObjectFields p) {
        return p.string("ID", "");
    }

    private static ObjectNode node() {
        return JsonRpc.NODES.objectNode();
    }

    @Override
    SortedMap<String, Example> examples() {
        SortedMap<String, Example> examples = sorted();
        ObjectNode commit = node();
        commit.set("Spec", GroupWire.spec(new GroupSpec("", null, null)));
        commit.put("Pretend", false);
        examples.put("CommitGroup", new Example(commit, node().put("Details", "")));
        ObjectNode described = node();
        described.putObject("Description").putNull("Instances").put("Converged", false); // Go's zero value
        examples.put("DescribeGroup", new Example(node().put("ID", ""), described));
        examples.put("DestroyGroup", new Example(node().put("ID", ""), node().put("OK", false)));
        examples.put("FreeGroup", new Example(node().put("ID", ""), node().put("OK", false)));
        examples.put("InspectGroups", new Example(node(), node().putNull("Groups")));
        return examples;
    }
}
