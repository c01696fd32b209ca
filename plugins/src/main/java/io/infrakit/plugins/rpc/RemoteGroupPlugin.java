package io.infrakit.plugins.rpc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.infrakit.plugins.json.ObjectFields;
import io.infrakit.plugins.spi.GroupDescription;
import io.infrakit.plugins.spi.GroupPlugin;
import io.infrakit.plugins.spi.GroupSpec;
import java.util.List;
import java.util.Objects;

/**
 * A group plugin in another process (InfraKit's own, or this operator's group socket), over InfraKit's wire
 * protocol: {@code Group/0.1.0}. Errors as for {@link RemoteInstancePlugin}: the plugin's message in an
 * {@link RpcException}, a {@link PluginTransportException} when it cannot be reached or does not answer in time.
 */
public final class RemoteGroupPlugin extends RemotePlugin implements GroupPlugin {

    /** The Group versions understood. */
    public static final List<String> VERSIONS = List.of("0.1.0");

    public RemoteGroupPlugin(RpcClient client) {
        super(client, "Group", VERSIONS, "");
    }

    @Override
    public String commitGroup(GroupSpec spec, boolean pretend) {
        Objects.requireNonNull(spec, "spec");
        return calls.call("Group.CommitGroup", v -> {
            ObjectNode p = JsonRpc.NODES.objectNode();
            p.set("Spec", GroupWire.spec(spec));
            return p.put("Pretend", pretend);
        }).string("Details", "");
    }

    @Override
    public void freeGroup(String id) {
        calls.call("Group.FreeGroup", v -> byId(id));
    }

    @Override
    public GroupDescription describeGroup(String id) {
        return GroupWire.description(calls.call("Group.DescribeGroup", v -> byId(id)), "Description");
    }

    @Override
    public void destroyGroup(String id) {
        calls.call("Group.DestroyGroup", v -> byId(id));
    }

    @Override
    public List<GroupSpec> inspectGroups() {
        ObjectFields result = calls.call("Group.InspectGroups", v -> JsonRpc.NODES.objectNode());
        List<GroupSpec> groups = result.list("Groups", GroupWire::spec);
        return groups == null ? List.of() : List.copyOf(groups);
    }

    private static ObjectNode byId(String id) {
        return JsonRpc.NODES.objectNode().put("ID", Objects.requireNonNull(id, "id"));
    }

    @Override
    public String toString() {
        return "RemoteGroupPlugin[" + calls + "]";
    }
}
