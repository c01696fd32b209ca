package io.infrakit.operator.cli;

import io.infrakit.operator.Keys;
import io.infrakit.operator.group.GroupStatus;
import io.infrakit.operator.write.Author;
import io.infrakit.store.KeyValue;
import io.infrakit.store.Store;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code infrakit group ...}: manage group specs in etcd. */
@Command(name = "group", description = "Manage groups: commit specs, list, describe, free, destroy.",
        subcommands = {GroupCommitCommand.class, GroupDiffCommand.class, GroupCommand.Ls.class,
                GroupDescribeCommand.class, GroupCommand.Free.class, GroupCommand.Destroy.class,
                GroupUpdateCommands.Pause.class, GroupUpdateCommands.Resume.class, GroupUpdateCommands.Rollback.class})
public final class GroupCommand {

    /** One row of {@code group ls}. */
    public record Row(String id, Long desired, Long observed, String state, String error) {
    }

    @Command(name = "ls", description = "List groups with their status.")
    static final class Ls implements Callable<Integer> {
        @Mixin
        EtcdOptions etcd;
        @Mixin
        OutputOptions output;

        @Override
        public Integer call() {
            Keys keys = etcd.keys();
            try (Store store = Stores.open(etcd)) {
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
                    rows.add(s == null ? new Row(id, null, null, "pending", null) : row(id, s));
                }
                // A status without a spec: a deleted group whose instances are still being destroyed.
                statuses.forEach((id, s) -> rows.add(row(id, s)));
                if (output.json()) {
                    System.out.println(OutputOptions.toJson(rows));
                } else {
                    System.out.printf("%-24s %-8s %-9s %-13s %s%n", "ID", "DESIRED", "OBSERVED", "STATE", "ERROR");
                    for (Row r : rows) {
                        System.out.printf("%-24s %-8s %-9s %-13s %s%n", r.id(), dash(r.desired()), dash(r.observed()),
                                r.state(), r.error() == null ? "" : r.error());
                    }
                }
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
            return write(groups -> {
                groups.free(id, Author.USER);
                return "Freed " + id;
            });
        }
    }

    @Command(name = "destroy", description = "Delete a group's spec: the operator destroys all its instances.")
    static final class Destroy extends GroupIdCommand {
        @Option(names = "--force", description = "Forget the group without destroying its instances (for a group "
                + "whose instance plugin is gone): its spec and status go; instances left are no longer managed.")
        boolean force;

        @Override
        public Integer call() {
            return write(groups -> {
                if (force) {
                    warn(groups.forget(id, Author.USER));
                    return "Forgot " + id + ": no replica manages it any more; its instances, if any are left, were"
                            + " not destroyed";
                }
                warn(groups.destroy(id, Author.USER));
                return "Destroy " + id + " initiated";
            });
        }
    }

    private static Row row(String id, GroupStatus s) {
        return new Row(id, s.desired(), s.observed(), s.state().wireName(), s.problem());
    }

    static String dash(Long n) {
        return n == null ? "-" : n.toString();
    }
}
