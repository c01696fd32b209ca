package io.infrakit.operator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.plugins.discovery.RemotePluginLookup;
import io.infrakit.plugins.spi.Allocation;
import io.infrakit.plugins.spi.FlavorPlugin;
import io.infrakit.plugins.spi.Health;
import io.infrakit.plugins.spi.Index;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.spi.InstanceSpec;
import io.infrakit.plugins.spi.PluginName;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;

/**
 * {@code infrakit flavor --name P ...}: InfraKit's Flavor API of one plugin in the plugin directory, called
 * directly, as InfraKit's CLI does to test and debug a plugin.
 */
@Command(name = "flavor",
        description = "Call a flavor plugin directly: validate, prepare, healthy.",
        subcommands = {FlavorCommand.Validate.class, FlavorCommand.Prepare.class, FlavorCommand.Healthy.class})
public final class FlavorCommand {

    @Option(names = "--name", required = true, paramLabel = "PLUGIN", scope = ScopeType.INHERIT,
            description = "The plugin's name in the plugin directory (NAME or NAME/TYPE).")
    String name;

    @Mixin
    PluginDirectoryOptions plugins;

    FlavorPlugin plugin() {
        return new RemotePluginLookup(plugins.pluginDirectory()).flavor(PluginName.parse(name));
    }

    /** The allocation the flavor is told about, as a group spec would give it. */
    static final class AllocationOptions {
        @Option(names = "--size", paramLabel = "N", description = "Allocation by size (cattle).")
        long size;
        @Option(names = "--logical-ids", split = ",", paramLabel = "ID[,ID...]",
                description = "Allocation by logical IDs (pets).")
        List<String> logicalIds;

        Allocation allocation() {
            return new Allocation(size, logicalIds == null || logicalIds.isEmpty() ? null : logicalIds);
        }
    }

    /** What each subcommand has: this command's options, and the output format. */
    abstract static class Call implements Callable<Integer> {
        @ParentCommand
        FlavorCommand parent;
        @Mixin
        OutputOptions output;
    }

    @Command(name = "validate",
            description = "Validate flavor properties (a JSON file, or - for standard input) for an allocation.")
    static final class Validate extends Call {
        @Mixin
        AllocationOptions allocation;
        @Parameters(paramLabel = "FILE")
        String file;

        @Override
        public Integer call() {
            JsonNode properties = PluginInputs.json(file);
            FlavorPlugin plugin = parent.plugin();
            PluginInputs.run(parent.name, () -> plugin.validate(properties, allocation.allocation()));
            System.out.println(output.json() ? OutputOptions.toJson(Map.of("OK", true)) : "validate:ok");
            return 0;
        }
    }

    @Command(name = "prepare",
            description = "Show the instance spec the flavor makes of FLAVOR_FILE's properties and INSTANCE_FILE's "
                    + "spec (what a group would provision).")
    static final class Prepare extends Call {
        @Mixin
        AllocationOptions allocation;
        @Option(names = "--index-group", paramLabel = "ID", defaultValue = "", description = "Index: the group ID.")
        String indexGroup;
        @Option(names = "--index-sequence", paramLabel = "N", description = "Index: the sequence number.")
        long indexSequence;
        @Parameters(index = "0", paramLabel = "FLAVOR_FILE")
        String flavorFile;
        @Parameters(index = "1", paramLabel = "INSTANCE_FILE")
        String instanceFile;

        @Override
        public Integer call() {
            JsonNode properties = PluginInputs.json(flavorFile);
            InstanceSpec spec = PluginInputs.value(instanceFile, InstanceSpec.class);
            FlavorPlugin plugin = parent.plugin();
            InstanceSpec prepared = PluginInputs.call(parent.name, () -> plugin.prepare(properties, spec,
                    allocation.allocation(), new Index(indexGroup, indexSequence)));
            System.out.println(OutputOptions.toJson(prepared));
            return 0;
        }
    }

    @Command(name = "healthy",
            description = "Ask whether each instance is healthy, by the flavor's properties in FLAVOR_FILE.")
    static final class Healthy extends Call {
        @Option(names = "--tags", paramLabel = "K=V[,K=V...]", description = "The instances' tags.")
        List<String> tags;
        @Option(names = "--logical-id", paramLabel = "ID", description = "The instance's logical ID.")
        String logicalId;
        @Parameters(index = "0", paramLabel = "FLAVOR_FILE")
        String flavorFile;
        @Parameters(index = "1..*", arity = "1..*", paramLabel = "ID")
        List<String> ids;

        @Override
        public Integer call() {
            JsonNode properties = PluginInputs.json(flavorFile);
            Map<String, String> t = PluginInputs.tags(tags);
            FlavorPlugin plugin = parent.plugin();
            List<Map<String, Object>> out = new ArrayList<>();
            for (String id : ids) {
                InstanceDescription d = new InstanceDescription(id, logicalId, t.isEmpty() ? null : t, null);
                Health h = PluginInputs.call(parent.name, () -> plugin.healthy(properties, d));
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("ID", id);
                row.put("Health", h.name().toLowerCase(Locale.ROOT));
                out.add(row);
            }
            if (output.json()) {
                System.out.println(OutputOptions.toJson(out));
            } else {
                System.out.printf("%-30s %s%n", "ID", "HEALTH");
                out.forEach(r -> System.out.printf("%-30s %s%n", r.get("ID"), r.get("Health")));
            }
            return 0;
        }
    }
}
