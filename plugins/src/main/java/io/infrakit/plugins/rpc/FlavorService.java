package io.infrakit.plugins.rpc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.infrakit.plugins.json.ObjectFields;
import io.infrakit.plugins.spi.Allocation;
import io.infrakit.plugins.spi.FlavorPlugin;
import io.infrakit.plugins.spi.Health;
import io.infrakit.plugins.spi.Index;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.spi.InstanceSpec;
import java.util.Map;
import java.util.SortedMap;

/** InfraKit's {@code Flavor} RPC service ({@code pkg/rpc/flavor}); 0.1.0 and 0.1.1 share one shape. */
final class FlavorService extends RpcService<FlavorPlugin> {

    FlavorService(InterfaceSpec spec, FlavorPlugin defaultPlugin, Map<String, FlavorPlugin> typed) {
        super(spec, defaultPlugin, typed);
    }

    @Override
    void register(RpcDispatcher d) {
        d.register("Flavor", "Validate", params -> {
            ObjectFields p = params(params);
            String type = p.string("Type", "");
            Allocation allocation = SpiWire.allocation(p, "Allocation");
            plugin(type).validate(p.get("Properties"), allocation);
            return ok(type, true);
        });
        d.register("Flavor", "Prepare", params -> {
            ObjectFields p = params(params);
            String type = p.string("Type", "");
            InstanceSpec spec = SpiWire.spec(p, "Spec");
            Allocation allocation = SpiWire.allocation(p, "Allocation");
            Index index = SpiWire.index(p, "Index");
            InstanceSpec prepared = plugin(type).prepare(p.get("Properties"), spec, allocation, index);
            ObjectNode result = typed(type);
            result.set("Spec", SpiWire.spec(prepared));
            return result;
        });
        d.register("Flavor", "Healthy", params -> {
            ObjectFields p = params(params);
            String type = p.string("Type", "");
            InstanceDescription instance = SpiWire.description(p, "Instance");
            Health health = plugin(type).healthy(p.get("Properties"), instance);
            return typed(type).put("Health", (health == null ? Health.UNKNOWN : health).code());
        });
        d.register("Flavor", "Drain", params -> {
            ObjectFields p = params(params);
            String type = p.string("Type", "");
            InstanceDescription instance = SpiWire.description(p, "Instance");
            plugin(type).drain(p.get("Properties"), instance);
            return ok(type, true);
        });
    }

    @Override
    SortedMap<String, Example> examples() {
        SortedMap<String, Example> examples = sorted();
        InstanceDescription zero = new InstanceDescription("", null, null, null);
        ObjectNode drain = typed("").putNull("Properties");
        drain.set("Instance", SpiWire.description(zero));
        examples.put("Drain", new Example(drain, ok("", false)));
        examples.put("Healthy", new Example(drain.deepCopy(), typed("").put("Health", 0)));
        ObjectNode prepare = typed("").putNull("Properties");
        prepare.set("Spec", SpiWire.spec(new InstanceSpec(null, null, "", null, null)));
        prepare.set("Allocation", SpiWire.allocation(null));
        prepare.set("Index", SpiWire.index(null));
        ObjectNode prepared = typed("");
        prepared.set("Spec", SpiWire.spec(new InstanceSpec(null, null, "", null, null)));
        examples.put("Prepare", new Example(prepare, prepared));
        ObjectNode validate = typed("").putNull("Properties");
        validate.set("Allocation", SpiWire.allocation(null));
        examples.put("Validate", new Example(validate, ok("", false)));
        return examples;
    }
}
