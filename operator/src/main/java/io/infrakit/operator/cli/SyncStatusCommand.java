package io.infrakit.operator.cli;

import io.infrakit.operator.Keys;
import io.infrakit.operator.sync.SyncRecord;
import io.infrakit.operator.sync.Syncer;
import io.infrakit.store.KeyValue;
import io.infrakit.store.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code infrakit sync status [NAME]}: which commit of each source is live, since when, and how the last try went. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show the last synced commit and time of each sync source (or of NAME).")
final class SyncStatusCommand implements Callable<Integer> {

    @Mixin
    EtcdOptions etcd;
    @Mixin
    OutputOptions output;

    @Parameters(paramLabel = "NAME", arity = "0..1", description = "One source; default: all.",
            completionCandidates = Completions.SyncSources.class)
    String name;

    @Override
    public Integer call() {
        Keys keys = etcd.keys();
        List<SyncRecord> records = new ArrayList<>();
        try (Store store = Stores.open(etcd)) {
            for (KeyValue kv : store.list(Syncer.records(keys)).kvs()) {
                String source = Keys.idUnder(Syncer.records(keys), kv.key());
                if (source == null || (name != null && !name.equals(source))) {
                    continue;
                }
                try {
                    records.add(SyncRecord.fromJson(kv.value()));
                } catch (IllegalArgumentException e) {
                    System.err.println("warning: " + kv.key() + " is not a sync record: " + e.getMessage());
                }
            }
        }
        if (name != null && records.isEmpty()) {
            System.err.println("No sync record for '" + name + "' under " + Syncer.records(keys));
            return 1;
        }
        if (output.json()) {
            System.out.println(OutputOptions.toJson(name != null ? records.get(0) : records));
            return 0;
        }
        if (name != null) {
            details(records.get(0));
            return 0;
        }
        System.out.printf("%-20s %-7s %-12s %-21s %-7s %s%n", "SOURCE", "RESULT", "COMMIT", "SYNCED AT", "GROUPS",
                "REPOSITORY");
        for (SyncRecord r : records) {
            System.out.printf("%-20s %-7s %-12s %-21s %-7d %s%n", r.source(), r.result(), shortCommit(r.commit()),
                    r.syncedAt() == null ? "never" : r.syncedAt(), r.groups().size(), where(r));
        }
        return 0;
    }

    private static void details(SyncRecord r) {
        System.out.println("Source:     " + r.source());
        System.out.println("Repository: " + where(r));
        System.out.println("Commit:     " + (r.commit() == null ? "-" : r.commit()));
        System.out.println("Synced at:  " + (r.syncedAt() == null ? "never" : r.syncedAt()));
        System.out.println("Result:     " + r.result());
        if (r.error() != null) {
            System.out.println("Error:      " + r.error() + " (at " + r.errorAt() + "; the live state is the last "
                    + "synced commit's)");
        }
        if (!r.drift().isEmpty()) {
            System.out.println("Drift:      " + String.join(", ", r.drift()));
        }
        if (!r.orphans().isEmpty()) {
            System.out.println("Orphans:    " + String.join(", ", r.orphans()) + " (file gone; --prune deletes them)");
        }
        SyncRecord.Change c = r.lastChange();
        if (c != null) {
            System.out.println("Last change: " + c.at() + (c.commit() == null ? "" : " at " + shortCommit(c.commit()))
                    + list(" created ", c.created()) + list(" updated ", c.updated()) + list(" deleted ", c.deleted()));
        }
        System.out.println("Groups:     " + r.groups().size());
        r.groups().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                .forEach(e -> System.out.println("  " + e.getKey() + "  " + e.getValue().path()));
    }

    private static String list(String label, List<String> ids) {
        return ids == null || ids.isEmpty() ? "" : label + String.join(",", ids);
    }

    private static String where(SyncRecord r) {
        if (r.repository() == null) {
            return "-";
        }
        StringBuilder s = new StringBuilder(r.repository());
        if (r.ref() != null) {
            s.append(" @ ").append(r.ref());
        }
        if (r.path() != null) {
            s.append(" (path ").append(r.path()).append(')');
        }
        return s.toString();
    }

    private static String shortCommit(String commit) {
        return commit == null ? "-" : commit.substring(0, Math.min(12, commit.length()));
    }
}
