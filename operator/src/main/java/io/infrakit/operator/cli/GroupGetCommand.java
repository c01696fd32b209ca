package io.infrakit.operator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.infrakit.operator.write.SpecHistory;
import io.infrakit.plugins.json.Json;
import io.infrakit.store.KeyValue;
import io.infrakit.store.Store;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code infrakit group get ID}: the spec as etcd holds it, byte for byte, or as JSON or YAML. */
@Command(name = "get", description = {"Print a group's spec as it is stored in etcd (exactly, by default), or the "
        + "spec its history recorded at a revision (--revision; see infrakit group history)."})
final class GroupGetCommand implements Callable<Integer> {

    enum Format { text, json, yaml }

    @Mixin
    EtcdOptions etcd;

    @Parameters(paramLabel = "ID", description = "The group's ID.", completionCandidates = Completions.Groups.class)
    String id;

    @Option(names = {"-o", "--output"}, defaultValue = "text", paramLabel = "FORMAT",
            description = "text (the value exactly as stored; default), json (indented) or yaml.")
    Format format;

    @Option(names = "--revision", paramLabel = "REV", description = "A revision from the group's history.")
    long revision;

    @Override
    public Integer call() throws Exception {
        String value;
        try (Store store = Stores.open(etcd)) {
            if (revision > 0) {
                List<SpecHistory.Entry> entries = new SpecHistory(store, etcd.keys(), Clock.systemUTC()).entries(id);
                Optional<SpecHistory.Entry> e = entries.stream().filter(x -> x.revision() == revision).findFirst();
                if (e.isEmpty()) {
                    System.err.println("No spec of " + id + " is recorded at revision " + revision + "; recorded: "
                            + entries.stream().map(x -> Long.toString(x.revision())).toList());
                    return 1;
                }
                value = Json.write(e.get().spec());
            } else {
                Optional<KeyValue> kv = store.get(etcd.keys().group(id));
                if (kv.isEmpty()) {
                    System.err.println("Group '" + id + "' is not being watched");
                    return 1;
                }
                value = kv.get().value();
            }
        }
        if (format == Format.text) {
            System.out.println(value);
            return 0;
        }
        JsonNode tree;
        try {
            tree = Json.parse(value);
        } catch (RuntimeException e) {
            System.err.println("error: the stored value of " + id + " is not JSON; print it as it is (-o text)");
            return 1;
        }
        System.out.print(format == Format.json ? OutputOptions.toJson(tree) + "\n"
                : new YAMLMapper().writeValueAsString(tree));
        return 0;
    }
}
