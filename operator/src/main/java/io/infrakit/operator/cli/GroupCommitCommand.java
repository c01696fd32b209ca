package io.infrakit.operator.cli;

import io.infrakit.operator.group.FieldChange;
import io.infrakit.operator.policy.Admission;
import io.infrakit.operator.policy.PolicyGuard;
import io.infrakit.operator.write.Author;
import io.infrakit.operator.write.GroupWrites;
import io.infrakit.operator.write.StoredSpec;
import io.infrakit.operator.write.WriteException;
import io.infrakit.plugins.PluginRegistry;
import io.infrakit.store.Store;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    @Mixin
    PolicyOptions policy;

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
        try (Store store = Stores.open(etcd); PluginRegistry builtins = pluginOptions.builtins()) {
            Admission admission = policy.admission(store, etcd, builtins);
            builtins.guardedBy(new PolicyGuard(admission.source()));
            GroupWrites groups = new GroupWrites(store, etcd.keys(), pluginOptions.lookup(builtins),
                    Clock.systemUTC()).admitting(admission);
            GroupWrites.Commit c;
            try {
                c = groups.commit(json, Author.USER, pretend);
            } catch (WriteException e) {
                System.err.println((e.reason() == WriteException.Reason.INVALID ? "Invalid spec: " : "")
                        + e.getMessage());
                return 1;
            }
            GroupIdCommand.warn(c.warning());
            List<FieldChange> diff = GroupDiffCommand.diff(c.previous().map(StoredSpec::value), c.written());
            if (output.json()) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("ID", c.id());
                out.put("Details", c.details());
                out.put("Pretend", pretend);
                out.put("Revision", c.revision());
                out.put("Diff", diff.stream().map(FieldChange::describe).toList());
                System.out.println(OutputOptions.toJson(out));
            } else if (pretend) {
                System.out.println("Committing " + c.id() + " would involve: " + c.details());
                diff.forEach(d -> System.out.println("  " + d.describe()));
            } else {
                System.out.println("Committed " + c.id() + ": " + c.details());
            }
            if (await && !pretend) {
                return new StatusFollower(store, etcd.keys(), c.id(), c.revision(), waitTimeout, !output.json())
                        .follow();
            }
        }
        return 0;
    }
}
