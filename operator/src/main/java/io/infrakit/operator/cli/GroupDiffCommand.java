package io.infrakit.operator.cli;

import io.infrakit.operator.group.FieldChange;
import io.infrakit.operator.group.GroupDefinition;
import io.infrakit.operator.group.JsonDiff;
import io.infrakit.operator.group.SpecException;
import io.infrakit.operator.group.SpecValidator;
import io.infrakit.plugins.group.GroupSpecs;
import io.infrakit.store.KeyValue;
import io.infrakit.store.Store;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code infrakit group diff FILE}: what committing the file would change in the stored spec, field by field. */
@Command(name = "diff", description = "Show the field-level difference between a spec file and the stored spec.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:no differences", "1:failure (an invalid spec, etcd unreachable)", "2:usage error",
                "3:the file differs from the stored spec"})
final class GroupDiffCommand implements Callable<Integer> {

    /** Exit code when there are differences, as {@code diff(1)} says 1 and {@code sync --dry-run} says 3. */
    static final int DIFFERENT = 3;

    @Mixin
    EtcdOptions etcd;
    @Mixin
    OutputOptions output;

    @Parameters(paramLabel = "FILE", description = "The spec file, or - for standard input.")
    String file;

    @Override
    public Integer call() throws IOException {
        String json = file.equals("-") ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
                : Files.readString(Path.of(file));
        GroupDefinition def;
        try {
            def = SpecValidator.parse(null, json, 0);
        } catch (SpecException e) {
            System.err.println("Invalid spec: " + e.getMessage());
            return 1;
        }
        try (Store store = Stores.open(etcd)) {
            List<FieldChange> diff = diff(store.get(etcd.keys().group(def.id())).map(KeyValue::value),
                    GroupSpecs.toJson(def.spec()));
            if (output.json()) {
                System.out.println(OutputOptions.toJson(diff.stream().map(FieldChange::describe).toList()));
            } else if (diff.isEmpty()) {
                System.out.println("No changes to " + def.id());
            } else {
                diff.forEach(c -> System.out.println(c.describe()));
            }
            return diff.isEmpty() ? 0 : DIFFERENT;
        }
    }

    /** The diff from the stored spec (absent: everything is added) to the new canonical spec. */
    static List<FieldChange> diff(Optional<String> current, String canonical) {
        return JsonDiff.values(current.orElse(null), canonical);
    }
}
