package io.infrakit.plugins.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.infrakit.plugins.json.ObjectFields;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.spi.InstancePlugin;
import io.infrakit.plugins.spi.InstanceSpec;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An instance plugin in another process, reached over InfraKit's wire protocol. The first call asks the plugin
 * which Instance version it speaks ({@code 0.5.0}, {@code 0.6.0} or {@code 0.6.1} are understood) and later calls
 * use that version's shape: from 0.6.0 on, Destroy sends the reason. Errors the plugin returns are
 * {@link RpcException}s with its message; an unreachable or silent plugin gives a {@link PluginTransportException}
 * after at most the client's timeout.
 */
public final class RemoteInstancePlugin extends RemotePlugin implements InstancePlugin {

    /** The Instance versions understood, the first being the one InfraKit v0.5 clients require. */
    public static final List<String> VERSIONS = List.of("0.5.0", "0.6.0", "0.6.1");

    /**
     * The params member carrying the caller's leadership term on Provision, Label and Destroy. InfraKit's own
     * plugins decode params with Go's {@code encoding/json}, which ignores members it does not know, so they take
     * these calls as before; a plugin that wants fencing reads it and refuses terms older than the newest it saw.
     */
    public static final String LEADER_TERM = "LeaderTerm";

    /** The term sent with calls that change instances; 0: none. */
    private final long term;

    /**
     * @param type the sub-type sent as {@code Type} (the part after '/' in {@code socket/type}); "" for none
     */
    public RemoteInstancePlugin(RpcClient client, String type) {
        this(client, type, VERSIONS);
    }

    /** A client that accepts only the given versions (the first is named in mismatch errors). */
    public RemoteInstancePlugin(RpcClient client, String type, List<String> versions) {
        super(client, "Instance", versions, type);
        this.term = 0;
    }

    private RemoteInstancePlugin(RemoteInstancePlugin same, long term) {
        super(same);
        this.term = term;
    }

    /** This client sending {@value #LEADER_TERM} with Provision, Label and Destroy. */
    @Override
    public InstancePlugin fenced(long leaderTerm) {
        return new RemoteInstancePlugin(this, leaderTerm);
    }

    /** Params starting with {@code Type}, and the term when this view has one. */
    private ObjectNode changeParams() {
        ObjectNode p = calls.params();
        if (term > 0) {
            p.put(LEADER_TERM, term);
        }
        return p;
    }

    @Override
    public void validate(JsonNode properties) {
        calls.call("Instance.Validate", v -> calls.params().set("Properties", SpiWire.orNull(properties)));
    }

    @Override
    public String provision(InstanceSpec spec) {
        Objects.requireNonNull(spec, "spec");
        return calls.call("Instance.Provision", v -> changeParams().set("Spec", SpiWire.spec(spec))).string("ID");
    }

    @Override
    public void label(String instanceId, Map<String, String> labels) {
        calls.call("Instance.Label", v -> {
            ObjectNode p = changeParams().put("Instance", instanceId);
            p.set("Labels", SpiWire.tags(labels));
            return p;
        });
    }

    @Override
    public void destroy(String instanceId, String reason) {
        calls.call("Instance.Destroy", v -> {
            ObjectNode p = changeParams().put("Instance", instanceId);
            if (!v.version().startsWith("0.5.")) {
                p.putObject("Context").put("Reason", reason == null ? "" : reason);
            }
            return p;
        });
    }

    @Override
    public List<InstanceDescription> describeInstances(Map<String, String> tags, boolean properties) {
        ObjectFields result = calls.call("Instance.DescribeInstances", v -> {
            ObjectNode p = calls.params();
            p.set("Tags", SpiWire.tags(tags));
            return p.put("Properties", properties);
        });
        List<InstanceDescription> list = result.list("Descriptions", SpiWire::description);
        return list == null ? List.of() : List.copyOf(list);
    }

    @Override
    public String toString() {
        return "RemoteInstancePlugin[" + calls + (term > 0 ? ", term " + term : "") + "]";
    }
}
