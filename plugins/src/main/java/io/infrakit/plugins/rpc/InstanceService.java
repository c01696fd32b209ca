package io.infrakit.plugins.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.infrakit.plugins.json.ObjectFields;
import io.infrakit.plugins.spi.InstancePlugin;
import io.infrakit.plugins.spi.InstanceSpec;
import java.util.Map;
import java.util.SortedMap;

/** InfraKit's {@code Instance} RPC service ({@code pkg/rpc/instance}). */
final class InstanceService extends RpcService<InstancePlugin> {

    InstanceService(InterfaceSpec spec, InstancePlugin defaultPlugin, Map<String, InstancePlugin> typed) {
        super(spec, defaultPlugin, typed);
    }

    /** From 0.6.0 on, Destroy carries a context with the reason. */
    private boolean destroyContext() {
        return !spec().version().startsWith("0.5.") && !spec().version().startsWith("0.3.");
    }

    /** The plugin as called by the caller's leader term, when the request carries one. */
    private InstancePlugin fenced(String type, ObjectFields p) {
        JsonNode term = p.get(RemoteInstancePlugin.LEADER_TERM);
        if (term == null || term.isNull()) {
            return plugin(type);
        }
        if (!term.canConvertToLong() || !term.isIntegralNumber()) {
            throw new InvalidParamsException(RemoteInstancePlugin.LEADER_TERM + " must be an integer, got " + term);
        }
        return plugin(type).fenced(term.asLong());
    }

    @Override
    void register(RpcDispatcher d) {
        d.register("Instance", "Validate", params -> {
            ObjectFields p = params(params);
            String type = p.string("Type", "");
            plugin(type).validate(p.get("Properties"));
            return ok(type, true);
        });
        d.register("Instance", "Provision", params -> {
            ObjectFields p = params(params);
            String type = p.string("Type", "");
            InstanceSpec spec = SpiWire.spec(p, "Spec");
            String id = fenced(type, p).provision(spec);
            return typed(type).put("ID", id);
        });
        d.register("Instance", "Label", params -> {
            ObjectFields p = params(params);
            String type = p.string("Type", "");
            String instance = p.string("Instance", "");
            Map<String, String> labels = p.stringMap("Labels");
            fenced(type, p).label(instance, labels == null ? Map.of() : labels);
            return ok(type, true);
        });
        d.register("Instance", "Destroy", params -> {
            ObjectFields p = params(params);
            String type = p.string("Type", "");
            String instance = p.string("Instance", "");
            ObjectFields context = p.object("Context"); // 0.6.x; older clients send none
            String reason = context == null ? "" : context.string("Reason", "");
            fenced(type, p).destroy(instance, reason);
            return ok(type, true);
        });
        d.register("Instance", "DescribeInstances", params -> {
            ObjectFields p = params(params);
            String type = p.string("Type", "");
            Map<String, String> tags = p.stringMap("Tags");
            boolean properties = SpiWire.bool(p, "Properties");
            ObjectNode result = typed(type);
            result.set("Descriptions", SpiWire.descriptions(
                    plugin(type).describeInstances(tags == null ? Map.of() : tags, properties)));
            return result;
        });
    }

    @Override
    SortedMap<String, Example> examples() {
        SortedMap<String, Example> examples = sorted();
        examples.put("DescribeInstances", new Example(
                typed("").putNull("Tags").put("Properties", false), typed("").putNull("Descriptions")));
        ObjectNode destroy = typed("").put("Instance", "");
        if (destroyContext()) {
            destroy.putObject("Context").put("Reason", "");
        }
        examples.put("Destroy", new Example(destroy, ok("", false)));
        examples.put("Label", new Example(typed("").put("Instance", "").putNull("Labels"), ok("", false)));
        ObjectNode provision = typed("");
        provision.set("Spec", SpiWire.spec(new InstanceSpec(null, null, "", null, null)));
        examples.put("Provision", new Example(provision, typed("").putNull("ID")));
        examples.put("Validate", new Example(typed("").putNull("Properties"), ok("", false)));
        return examples;
    }
}
