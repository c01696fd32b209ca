package io.infrakit.plugins.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.infrakit.plugins.json.ObjectFields;
import io.infrakit.plugins.spi.Allocation;
import io.infrakit.plugins.spi.FlavorPlugin;
import io.infrakit.plugins.spi.Health;
import io.infrakit.plugins.spi.Index;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.spi.InstanceSpec;
import java.util.List;
import java.util.Objects;

/**
 * A flavor plugin in another process, reached over InfraKit's wire protocol; Flavor {@code 0.1.0} and
 * {@code 0.1.1} are understood (their requests are the same). Errors as for {@link RemoteInstancePlugin}.
 */
public final class RemoteFlavorPlugin extends RemotePlugin implements FlavorPlugin {

    /** The Flavor versions understood, the first being the one InfraKit v0.5 clients require. */
    public static final List<String> VERSIONS = List.of("0.1.0", "0.1.1");

    /**
     * @param type the sub-type sent as {@code Type} (the part after '/' in {@code socket/type}); "" for none
     */
    public RemoteFlavorPlugin(RpcClient client, String type) {
        this(client, type, VERSIONS);
    }

    public RemoteFlavorPlugin(RpcClient client, String type, List<String> versions) {
        super(client, "Flavor", versions, type);
    }

    @Override
    public void validate(JsonNode properties, Allocation allocation) {
        calls.call("Flavor.Validate", v -> {
            ObjectNode p = calls.params();
            p.set("Properties", SpiWire.orNull(properties));
            p.set("Allocation", SpiWire.allocation(allocation));
            return p;
        });
    }

    @Override
    public InstanceSpec prepare(JsonNode properties, InstanceSpec spec, Allocation allocation, Index index) {
        Objects.requireNonNull(spec, "spec");
        ObjectFields result = calls.call("Flavor.Prepare", v -> {
            ObjectNode p = calls.params();
            p.set("Properties", SpiWire.orNull(properties));
            p.set("Spec", SpiWire.spec(spec));
            p.set("Allocation", SpiWire.allocation(allocation));
            p.set("Index", SpiWire.index(index));
            return p;
        });
        return SpiWire.spec(result, "Spec");
    }

    @Override
    public Health healthy(JsonNode properties, InstanceDescription instance) {
        ObjectFields result = calls.call("Flavor.Healthy", v -> withInstance(properties, instance));
        long code = SpiWire.integer(result, "Health");
        return code < Integer.MIN_VALUE || code > Integer.MAX_VALUE ? Health.UNKNOWN : Health.of((int) code);
    }

    @Override
    public void drain(JsonNode properties, InstanceDescription instance) {
        calls.call("Flavor.Drain", v -> withInstance(properties, instance));
    }

    private ObjectNode withInstance(JsonNode properties, InstanceDescription instance) {
        Objects.requireNonNull(instance, "instance");
        ObjectNode p = calls.params();
        p.set("Properties", SpiWire.orNull(properties));
        p.set("Instance", SpiWire.description(instance));
        return p;
    }

    @Override
    public String toString() {
        return "RemoteFlavorPlugin[" + calls + "]";
    }
}
