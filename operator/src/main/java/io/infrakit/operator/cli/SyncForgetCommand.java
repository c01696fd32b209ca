package io.infrakit.operator.cli;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.infrakit.operator.Keys;
import io.infrakit.operator.sync.SyncRecord;
import io.infrakit.operator.sync.Syncer;
import io.infrakit.store.Store;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code infrakit sync forget NAME}: deletes a source's record (a source renamed or given up). The groups it wrote
 * are left as they are: still served, still annotated with the source; a sync under the same name adopts them again.
 */
@Command(name = "forget", mixinStandardHelpOptions = true,
        description = {"Delete the record of sync source NAME (<prefix>/sync/NAME). Its groups are left as they "
                + "are: still served, still annotated with the source. Stop a running sync --watch of NAME first, "
                + "or it writes the record again."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the record was deleted", "1:there is no record of NAME, or etcd is unreachable",
                "2:usage error"})
final class SyncForgetCommand implements Callable<Integer> {

    @Mixin
    EtcdOptions etcd;
    @Mixin
    OutputOptions output;

    @Parameters(paramLabel = "NAME", description = "The source.", completionCandidates = Completions.SyncSources.class)
    String name;

    /** {@code -o json}: what was forgotten. */
    @JsonPropertyOrder({"Source", "Groups"})
    record Forgotten(@JsonProperty("Source") String source, @JsonProperty("Groups") int groups) {
    }

    @Override
    public Integer call() {
        Keys keys = etcd.keys();
        try (Store store = Stores.open(etcd)) {
            Optional<SyncRecord> record = Syncer.record(store, keys, name); // unreadable: deleted all the same
            if (!store.delete(Syncer.recordKey(keys, name))) {
                System.err.println("No sync record for '" + name + "' under " + Syncer.records(keys));
                return 1;
            }
            int groups = record.map(r -> r.groups().size()).orElse(0);
            if (output.json()) {
                OutputOptions.printJson(new Forgotten(name, groups), false);
            } else {
                System.out.println("Forgot sync source " + name + ": its record is deleted; the " + groups
                        + " group(s) it wrote stay as they are");
            }
            return 0;
        }
    }
}
