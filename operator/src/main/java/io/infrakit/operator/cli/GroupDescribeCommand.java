package io.infrakit.operator.cli;

import io.infrakit.operator.Keys;
import io.infrakit.operator.group.GroupDefinition;
import io.infrakit.operator.group.GroupStatus;
import io.infrakit.operator.group.SpecException;
import io.infrakit.operator.group.SpecValidator;
import io.infrakit.plugins.group.Tags;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.store.KeyValue;
import io.infrakit.store.Store;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code infrakit group describe ID}: the group's status and its instances, with their tags. */
@Command(name = "describe", description = "Show a group's status and its instances with their tags.")
final class GroupDescribeCommand implements Callable<Integer> {

    @Mixin
    EtcdOptions etcd;
    @Mixin
    OutputOptions output;
    @Mixin
    PluginOptions pluginOptions;

    @Parameters(paramLabel = "ID")
    String id;

    @Override
    public Integer call() {
        Keys keys = etcd.keys();
        try (Store store = Stores.open(etcd)) {
            Optional<KeyValue> spec = store.get(keys.group(id));
            GroupStatus status = store.get(keys.status(id)).flatMap(kv -> GroupStatus.fromJson(kv.value()))
                    .orElse(null);
            if (spec.isEmpty() && status == null) {
                System.err.println("Group '" + id + "' is not being watched");
                return 1;
            }
            String plugin = status == null ? null : status.instancePlugin();
            if (spec.isPresent()) {
                try {
                    GroupDefinition def = SpecValidator.parse(id, spec.get().value(), spec.get().modRevision());
                    plugin = def.properties().instance().plugin();
                } catch (SpecException e) {
                    // Fall back to the plugin the status remembers.
                }
            }
            List<InstanceDescription> instances = List.of();
            String unavailable = null; // the stored status is shown all the same
            try {
                instances = plugin == null ? List.of()
                        : pluginOptions.registry().instance(io.infrakit.plugins.spi.PluginName.parse(plugin))
                        .describeInstances(Map.of(Tags.GROUP, id), false);
            } catch (RuntimeException e) {
                unavailable = "cannot list the instances of " + id + " from instance plugin '" + plugin + "': "
                        + (e.getMessage() == null ? e.toString() : e.getMessage());
            }
            if (output.json()) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("ID", id);
                out.put("Status", status);
                out.put("Instances", unavailable == null ? instances : null);
                if (unavailable != null) {
                    out.put("InstancesError", unavailable);
                }
                System.out.println(OutputOptions.toJson(out));
                return unavailable == null ? 0 : 1;
            }
            if (status != null) {
                System.out.printf("Group %s: %s, %s of %d instances%s%n", id, status.state(),
                        status.observed() == null ? "?" : status.observed(), status.desired(),
                        status.outOfDate() > 0 ? ", " + status.outOfDate() + " out of date" : "");
                if (status.update() != null) {
                    var u = status.update();
                    System.out.printf("Update to %s: %s, %d/%d done, batch %d%s%n", u.targetSha(), u.state(),
                            u.done(), u.total(), u.batch(), u.reason() == null ? "" : " (" + u.reason() + ")");
                }
                if (status.error() != null) {
                    System.out.printf("Error since %s: %s%n", status.error().since(), status.error().message());
                } else if (status.problem() != null) {
                    System.out.println(status.problem());
                }
            }
            if (unavailable != null) {
                System.err.println(unavailable);
                return 1;
            }
            System.out.printf("%-28s %-16s %s%n", "ID", "LOGICAL", "TAGS");
            for (InstanceDescription d : instances) {
                String tags = new TreeMap<>(d.tagsOrEmpty()).entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
                System.out.printf("%-28s %-16s %s%n", d.id(), d.logicalId() == null ? "-" : d.logicalId(), tags);
            }
        }
        return 0;
    }
}
