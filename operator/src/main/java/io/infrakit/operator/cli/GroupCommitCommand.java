package io.infrakit.operator.cli;

import io.infrakit.operator.group.FieldChange;
import io.infrakit.operator.group.GroupRouting;
import io.infrakit.operator.group.SpecException;
import io.infrakit.operator.group.SpecValidator;
import io.infrakit.operator.policy.Admission;
import io.infrakit.operator.policy.PolicyGuard;
import io.infrakit.operator.write.Author;
import io.infrakit.operator.write.GroupWrites;
import io.infrakit.operator.write.PluginCheck;
import io.infrakit.operator.write.StoredSpec;
import io.infrakit.operator.write.WriteException;
import io.infrakit.plugins.PluginLookup;
import io.infrakit.plugins.PluginRegistry;
import io.infrakit.plugins.json.KeyAudit;
import io.infrakit.store.Store;
import io.infrakit.store.Utf8;
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

    @Option(names = "--max-instances", defaultValue = "${env:INFRAKIT_MAX_INSTANCES:-10000}", paramLabel = "N",
            description = "Refuse a spec that asks for more instances than this (env INFRAKIT_MAX_INSTANCES, "
                    + "default ${DEFAULT-VALUE}; the operator's own ceiling is infrakit up --max-instances).")
    long maxInstances;

    @Option(names = "--allow-unknown-keys", description = "Commit a spec with keys that nothing reads (InfraKit "
            + "ignores them; they are most often typos, refused without this option).")
    boolean allowUnknownKeys;

    @Option(names = "--wait", description = "Follow the group until it converges (exit 0); its update fails, rolled "
            + "back or not, or its instances crash loop (exit 1); a person pauses the update (exit 4).")
    boolean await;

    @Option(names = "--timeout", defaultValue = "30m", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "How long --wait waits (default ${DEFAULT-VALUE}).")
    java.time.Duration waitTimeout;

    @Override
    public Integer call() throws IOException, InterruptedException {
        byte[] raw = file.equals("-") ? System.in.readAllBytes() : Files.readAllBytes(Path.of(file));
        try {
            SpecValidator.checkUtf8(Utf8.firstMalformed(raw));
        } catch (SpecException e) {
            System.err.println("Invalid spec: " + e.getMessage());
            return 1;
        }
        String json = new String(raw, StandardCharsets.UTF_8);
        try (PluginRegistry builtins = pluginOptions.builtins()) {
            PluginLookup plugins = pluginOptions.lookup(builtins);
            List<KeyAudit.UnknownKey> unknown = unknownKeys(json, plugins);
            if (!unknown.isEmpty()) {
                if (!allowUnknownKeys) {
                    System.err.println("Invalid spec: " + PluginCheck.describe(unknown)
                            + "; correct them, or commit with --allow-unknown-keys");
                    return 1;
                }
                System.err.println("warning: " + PluginCheck.describe(unknown) + " (committed as asked)");
            }
            return commit(json, builtins, plugins, unknown);
        }
    }

    private int commit(String json, PluginRegistry builtins, PluginLookup plugins, List<KeyAudit.UnknownKey> unknown)
            throws IOException, InterruptedException {
        try (Store store = Stores.open(etcd)) {
            Admission admission = policy.admission(store, etcd, builtins);
            builtins.guardedBy(new PolicyGuard(admission.source()));
            GroupWrites groups = new GroupWrites(store, etcd.keys(), plugins, Clock.systemUTC())
                    .limitedTo(maxInstances).admitting(admission);
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
                if (!unknown.isEmpty()) {
                    out.put("UnknownKeys", unknown.stream().map(KeyAudit.UnknownKey::toString).toList());
                }
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

    /**
     * The spec's unknown keys in one line, or null: none, or a spec that does not parse (the commit says why) or
     * that names another group plugin (its properties are that plugin's).
     */
    private static List<KeyAudit.UnknownKey> unknownKeys(String json, PluginLookup plugins) {
        try {
            if (GroupRouting.DEFAULT.parse(null, json, 0) != null) {
                return List.of(); // another group plugin's properties: that plugin judges them
            }
        } catch (SpecException | RuntimeException e) {
            // not a spec for another group plugin
        }
        return PluginCheck.unknownKeys(json, plugins);
    }
}
