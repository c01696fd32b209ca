package io.infrakit.operator.cli;

import io.infrakit.operator.Keys;
import io.infrakit.operator.group.DelegatedGroup;
import io.infrakit.operator.group.GroupDefinition;
import io.infrakit.operator.group.GroupRouting;
import io.infrakit.operator.group.GroupStatus;
import io.infrakit.operator.group.SpecException;
import io.infrakit.operator.group.SpecValidator;
import io.infrakit.plugins.group.Tags;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.spi.PluginException;
import io.infrakit.plugins.spi.PluginName;
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

    @Mixin
    WatchOption watch;

    @Parameters(paramLabel = "ID", description = "The group's ID.", completionCandidates = Completions.Groups.class)
    String id;

    @Override
    public Integer call() throws Exception {
        Keys keys = etcd.keys();
        try (Store store = Stores.open(etcd)) {
            if (watch.watch) {
                return Redraw.loop(KeyWatch.keys(store, keys.group(id), keys.status(id)), output.json(),
                        () -> describe(store, keys, true));
            }
            return describe(store, keys, false);
        }
    }

    private io.infrakit.plugins.PluginLookup plugins;

    /** The plugins, made once (a watch draws many times). */
    private io.infrakit.plugins.PluginLookup plugins() {
        if (plugins == null) {
            plugins = pluginOptions.registry();
        }
        return plugins;
    }

    private int describe(Store store, Keys keys, boolean oneLine) {
        Optional<KeyValue> spec = store.get(keys.group(id));
        GroupStatus status = store.get(keys.status(id)).flatMap(kv -> GroupStatus.fromJson(kv.value()))
                .orElse(null);
        if (spec.isEmpty() && status == null) {
            System.err.println("Group '" + id + "' is not being watched");
            return 1;
        }
        String plugin = status == null ? null : status.instancePlugin();
        DelegatedGroup delegated = delegated(spec.orElse(null));
        // The leader's status says who holds the group; before it has one, the spec's Plugin does.
        if (status != null ? status.groupPlugin() != null : delegated != null) {
            return describeDelegated(status, delegated, oneLine);
        }
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
                    : plugins().instance(io.infrakit.plugins.spi.PluginName.parse(plugin))
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
                out.put("Error", unavailable);
            }
            OutputOptions.printJson(out, oneLine);
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
            status.notes().forEach(n -> System.out.println("Note: " + n));
            status.warnings().forEach(w -> System.out.println("Warning: " + w));
        }
        if (unavailable != null) {
            System.err.println("error: " + unavailable);
            return 1;
        }
        printInstances(instances);
        return 0;
    }

    private DelegatedGroup delegated(KeyValue spec) {
        try {
            return spec == null ? null : GroupRouting.DEFAULT.parse(id, spec.value(), spec.modRevision());
        } catch (SpecException e) {
            return null;
        }
    }

    /** A group another group plugin holds: the status, and the instances that plugin describes. */
    private int describeDelegated(GroupStatus status, DelegatedGroup delegated, boolean oneLine) {
        String plugin = status != null ? status.groupPlugin() : delegated.plugin();
        List<InstanceDescription> instances = List.of();
        String problem = null;
        try {
            instances = plugins().group(PluginName.parse(plugin)).describeGroup(id).instances();
        } catch (PluginException e) {
            problem = "cannot ask group plugin " + plugin + ": " + e.getMessage();
        }
        if (output.json()) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("ID", id);
            out.put("GroupPlugin", plugin);
            out.put("Status", status);
            out.put("Instances", problem == null ? instances : null);
            out.put("Error", problem);
            OutputOptions.printJson(out, oneLine);
        } else if (status != null) {
            System.out.printf("Group %s: %s, %s instances, held by group plugin %s%n", id, status.state(),
                    status.observed() == null ? "?" : status.observed(), plugin);
            if (status.error() != null) {
                System.out.printf("Error since %s: %s%n", status.error().since(), status.error().message());
            }
        } else {
            System.out.printf("Group %s: held by group plugin %s (no status yet)%n", id, plugin);
        }
        if (problem != null) {
            System.err.println("error: " + problem);
            return 1;
        }
        if (!output.json()) {
            printInstances(instances);
        }
        return 0;
    }

    private static void printInstances(List<InstanceDescription> instances) {
        System.out.printf("%-28s %-16s %s%n", "ID", "LOGICAL", "TAGS");
        for (InstanceDescription d : instances) {
            String tags = new TreeMap<>(d.tagsOrEmpty()).entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
            System.out.printf("%-28s %-16s %s%n", d.id(), d.logicalId() == null ? "-" : d.logicalId(), tags);
        }
    }
}
