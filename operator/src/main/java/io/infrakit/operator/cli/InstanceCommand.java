package io.infrakit.operator.cli;

import io.infrakit.plugins.discovery.RemotePluginLookup;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.spi.InstancePlugin;
import io.infrakit.plugins.spi.InstanceSpec;
import io.infrakit.plugins.spi.PluginName;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;

/**
 * {@code infrakit instance --name P ...}: InfraKit's Instance API of one plugin in the plugin directory, called
 * directly, as InfraKit's CLI does to test and debug a plugin.
 */
@Command(name = "instance",
        description = "Call an instance plugin directly: validate, provision, destroy, describe.",
        subcommands = {InstanceCommand.Validate.class, InstanceCommand.Provision.class,
                InstanceCommand.Destroy.class, InstanceCommand.Describe.class})
public final class InstanceCommand {

    @Option(names = "--name", required = true, paramLabel = "PLUGIN", scope = ScopeType.INHERIT,
            description = "The plugin's name in the plugin directory (NAME or NAME/TYPE).")
    String name;

    @Mixin
    PluginDirectoryOptions plugins;

    InstancePlugin plugin() {
        return new RemotePluginLookup(plugins.pluginDirectory()).instance(PluginName.parse(name));
    }

    /** What each subcommand has: this command's options, and the output format. */
    abstract static class Call implements Callable<Integer> {
        @ParentCommand
        InstanceCommand parent;
        @Mixin
        OutputOptions output;
    }

    @Command(name = "validate",
            description = "Validate instance properties (a JSON file, or - for standard input).")
    static final class Validate extends Call {
        @Parameters(paramLabel = "FILE")
        String file;

        @Override
        public Integer call() {
            var properties = PluginInputs.json(file);
            InstancePlugin plugin = parent.plugin();
            PluginInputs.run(parent.name, () -> plugin.validate(properties));
            System.out.println(output.json() ? OutputOptions.toJson(Map.of("OK", true)) : "validate:ok");
            return 0;
        }
    }

    @Command(name = "provision",
            description = "Provision an instance from an instance spec (JSON: Properties, Tags, Init, LogicalID, "
                    + "Attachments); prints its ID.")
    static final class Provision extends Call {
        @Parameters(paramLabel = "FILE")
        String file;

        @Override
        public Integer call() {
            InstanceSpec spec = PluginInputs.value(file, InstanceSpec.class);
            InstancePlugin plugin = parent.plugin();
            String id = PluginInputs.call(parent.name, () -> plugin.provision(spec));
            if (output.json()) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("ID", id);
                System.out.println(OutputOptions.toJson(out));
            } else if (id != null) {
                System.out.println(id);
            }
            return 0;
        }
    }

    @Command(name = "destroy", description = "Destroy instances by ID.")
    static final class Destroy extends Call {
        @Parameters(paramLabel = "ID", arity = "1..*")
        List<String> ids;

        @Override
        public Integer call() {
            InstancePlugin plugin = parent.plugin();
            List<Map<String, Object>> out = new ArrayList<>();
            int rc = 0;
            for (String id : ids) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("ID", id);
                try {
                    PluginInputs.run(parent.name, () -> plugin.destroy(id, "terminate"));
                    row.put("Destroyed", true);
                    if (!output.json()) {
                        System.out.println("destroyed " + id);
                    }
                } catch (io.infrakit.plugins.rpc.RpcException e) {
                    row.put("Destroyed", false);
                    row.put("Error", e.getMessage());
                    System.err.println("error: " + id + ": " + e.getMessage());
                    rc = 1;
                }
                out.add(row);
            }
            if (output.json()) {
                System.out.println(OutputOptions.toJson(out));
            }
            return rc;
        }
    }

    @Command(name = "describe",
            description = "List the plugin's instances that carry all the given tags.")
    static final class Describe extends Call {
        @Option(names = "--tags", paramLabel = "K=V[,K=V...]", description = "Only instances with these tags.")
        List<String> tags;
        @Option(names = {"-p", "--properties"}, description = "Also ask for each instance's properties.")
        boolean properties;
        @Option(names = {"-q", "--quiet"}, description = "Rows without the column headers.")
        boolean quiet;

        @Override
        public Integer call() {
            Map<String, String> filter = PluginInputs.tags(tags);
            InstancePlugin plugin = parent.plugin();
            List<InstanceDescription> found = PluginInputs.call(parent.name,
                    () -> plugin.describeInstances(filter, properties));
            if (output.json()) {
                System.out.println(OutputOptions.toJson(found));
                return 0;
            }
            String line = "%-30s %-20s %s%s%n";
            if (!quiet) {
                System.out.printf(line, "ID", "LOGICAL", "TAGS", properties ? "\tPROPERTIES" : "");
            }
            for (InstanceDescription d : found) {
                String t = new TreeMap<>(d.tagsOrEmpty()).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                        .collect(Collectors.joining(","));
                System.out.printf(line, d.id(), d.logicalId() == null ? "-" : d.logicalId(), t,
                        properties ? "\t" + io.infrakit.plugins.json.Json.write(d.properties()) : "");
            }
            return 0;
        }
    }
}
