package io.infrakit.operator.cli;

import io.infrakit.operator.Keys;
import io.infrakit.operator.group.CommitDetails;
import io.infrakit.operator.group.FieldChange;
import io.infrakit.operator.group.GroupDefinition;
import io.infrakit.operator.group.SpecException;
import io.infrakit.operator.group.SpecValidator;
import io.infrakit.plugins.group.GroupSpecs;
import io.infrakit.store.KeyValue;
import io.infrakit.store.Op;
import io.infrakit.store.Store;
import io.infrakit.store.Txn;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code infrakit group commit FILE|-}: validate a spec and write it to etcd. */
@Command(name = "commit", description = "Validate a group spec (InfraKit JSON) and commit it to etcd.")
final class GroupCommitCommand implements Callable<Integer> {

    @Mixin
    EtcdOptions etcd;
    @Mixin
    OutputOptions output;
    @Mixin
    PluginOptions pluginOptions;

    @Parameters(paramLabel = "FILE", description = "The spec file, or - for standard input.")
    String file;

    @Option(names = {"-p", "--pretend"}, description = "Validate, explain and show the diff; write nothing.")
    boolean pretend;

    @Option(names = "--wait", description = "Follow the group until it converges (or its update fails: exit 1).")
    boolean await;

    @Option(names = "--timeout", defaultValue = "30m", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "How long --wait waits (default ${DEFAULT-VALUE}).")
    java.time.Duration waitTimeout;

    @Override
    public Integer call() throws IOException, InterruptedException {
        String json = file.equals("-") ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
                : Files.readString(Path.of(file));
        GroupDefinition def;
        try {
            def = SpecValidator.parse(null, json, 0);
            SpecValidator.checkPlugins(def, pluginOptions.registry());
        } catch (SpecException e) {
            System.err.println("Invalid spec: " + e.getMessage());
            return 1;
        }
        Keys keys = etcd.keys();
        String canonical = GroupSpecs.toJson(def.spec());
        try (Store store = Stores.open(etcd)) {
            Optional<KeyValue> current = store.get(keys.group(def.id()));
            String details = CommitDetails.explain(def, current.map(KeyValue::value).orElse(null));
            long revision = 0;
            if (!pretend) {
                Txn txn = Txn.builder().then(Op.put(keys.group(def.id()), canonical))
                        .then(Op.delete(keys.free(def.id()))).build();
                revision = store.commit(txn).revision();
            }
            List<FieldChange> diff = GroupDiffCommand.diff(current, canonical);
            if (output.json()) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("ID", def.id());
                out.put("Details", details);
                out.put("Pretend", pretend);
                out.put("Revision", revision);
                out.put("Diff", diff.stream().map(FieldChange::describe).toList());
                System.out.println(OutputOptions.toJson(out));
            } else if (pretend) {
                System.out.println("Committing " + def.id() + " would involve: " + details);
                diff.forEach(c -> System.out.println("  " + c.describe()));
            } else {
                System.out.println("Committed " + def.id() + ": " + details);
            }
            if (await && !pretend) {
                return new StatusFollower(store, keys, def.id(), revision, waitTimeout, !output.json()).follow();
            }
        }
        return 0;
    }
}
