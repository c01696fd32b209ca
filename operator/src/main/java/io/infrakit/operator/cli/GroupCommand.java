package io.infrakit.operator.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.infrakit.operator.Keys;
import io.infrakit.operator.group.GroupStatus;
import io.infrakit.operator.write.Author;
import io.infrakit.store.KeyValue;
import io.infrakit.store.Store;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code infrakit group ...}: manage group specs in etcd. */
@Command(name = "group", description = "Manage groups: commit specs, list, describe, get, history, free, destroy.",
        subcommands = {GroupCommitCommand.class, GroupDiffCommand.class, GroupCommand.Ls.class,
                GroupDescribeCommand.class, GroupGetCommand.class, GroupHistoryCommand.class, GroupCommand.Free.class,
                GroupCommand.Destroy.class, GroupUpdateCommands.Pause.class, GroupUpdateCommands.Resume.class,
                GroupUpdateCommands.Rollback.class})
public final class GroupCommand {

    /**
     * One row of {@code group ls}.
     *
     * @param desired     null when not known (no status yet, or a group another group plugin holds)
     * @param groupPlugin the group plugin holding the group, null for the operator's own
     */
    @JsonPropertyOrder({"ID", "Desired", "Observed", "State", "Error", "GroupPlugin"})
    public record Row(@JsonProperty("ID") String id, @JsonProperty("Desired") Long desired,
                      @JsonProperty("Observed") Long observed, @JsonProperty("State") String state,
                      @JsonProperty("Error") String error, @JsonProperty("GroupPlugin") @JsonInclude(JsonInclude.Include.NON_NULL)
                      String groupPlugin) {
    }

    @Command(name = "ls", description = "List groups with their status.")
    static final class Ls implements Callable<Integer> {
        @Mixin
        EtcdOptions etcd;
        @Mixin
        OutputOptions output;
        @Mixin
        WatchOption watch;

        @Override
        public Integer call() throws Exception {
            Keys keys = etcd.keys();
            try (Store store = Stores.open(etcd)) {
                if (watch.watch) {
                    return Redraw.loop(KeyWatch.prefixes(store, keys.groups(), keys.statuses()), output.json(),
                            () -> print(store, keys, true));
                }
                return print(store, keys, false);
            }
        }

        private int print(Store store, Keys keys, boolean oneLine) {
            Map<String, GroupStatus> statuses = new LinkedHashMap<>();
            for (KeyValue kv : store.list(keys.statuses()).kvs()) {
                String id = Keys.idUnder(keys.statuses(), kv.key());
                if (id != null) {
                    GroupStatus.fromJson(kv.value()).ifPresent(s -> statuses.put(id, s));
                }
            }
            List<Row> rows = new ArrayList<>();
            List<String> ignored = new ArrayList<>();
            for (KeyValue kv : store.list(keys.groups()).kvs()) {
                String id = Keys.idUnder(keys.groups(), kv.key());
                if (id == null) {
                    ignored.add(kv.key());
                    continue;
                }
                GroupStatus s = statuses.remove(id);
                rows.add(s == null ? new Row(id, null, null, "pending", null, null) : row(id, s));
            }
            // A status without a spec: a deleted group whose instances are still being destroyed.
            statuses.forEach((id, s) -> rows.add(row(id, s)));
            if (output.json()) {
                OutputOptions.printJson(rows, oneLine);
            } else {
                String line = "%-24s %-8s %-9s %-13s %-14s %s%n";
                System.out.printf(line, "ID", "DESIRED", "OBSERVED", "STATE", "GROUP-PLUGIN", "ERROR");
                for (Row r : rows) {
                    System.out.printf(line, r.id(), dash(r.desired()), dash(r.observed()), r.state(),
                            r.groupPlugin() == null ? "-" : r.groupPlugin(), r.error() == null ? "" : r.error());
                }
            }
            if (!oneLine) {
                for (String key : ignored) {
                    System.err.println("note: key " + key + " is ignored: " + Keys.whyIgnored(keys.groups(), key));
                }
            }
            return 0;
        }
    }

    @Command(name = "free", description = "Stop managing a group; its instances are left as they are.")
    static final class Free extends GroupIdCommand {
        @Override
        public Integer call() {
            return write("free", groups -> {
                groups.free(id, Author.USER);
                return new Done("Freed " + id, null);
            });
        }
    }

    @Command(name = "destroy", description = "Delete a group's spec: the operator destroys all its instances.")
    static final class Destroy extends GroupIdCommand {
        @Option(names = "--force", description = "Forget the group without destroying its instances (for a group "
                + "whose instance plugin is gone): its spec and status go; instances left are no longer managed.")
        boolean force;

        @Option(names = "--wait", description = "Wait until the operator has destroyed every instance of the group "
                + "(its status is gone); exit 1 if that takes longer than --timeout.")
        boolean await;

        @Option(names = "--timeout", defaultValue = "10m", converter = DurationConverter.class,
                paramLabel = "DURATION", description = "How long --wait waits (default ${DEFAULT-VALUE}).")
        Duration waitTimeout;

        @Override
        public Integer call() {
            if (force) {
                return write("forget", groups -> new Done("Forgot " + id + ": no replica manages it any more; its "
                        + "instances, if any are left, were not destroyed", groups.forget(id, Author.USER)
                        .orElse(null)));
            }
            int written = write("destroy", groups -> new Done("Destroy " + id + " initiated",
                    groups.destroy(id, Author.USER).orElse(null)));
            if (written != 0 || !await) {
                return written;
            }
            try (Store store = Stores.open(etcd)) {
                return new StatusFollower(store, etcd.keys(), id, 0, waitTimeout, true).followDeletion();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 1;
            }
        }
    }

    private static Row row(String id, GroupStatus s) {
        return new Row(id, s.groupPlugin() == null ? s.desired() : null, s.observed(), s.state().wireName(),
                s.attention(), s.groupPlugin());
    }

    static String dash(Long n) {
        return n == null ? "-" : n.toString();
    }
}
