package io.infrakit.operator.cli;

import io.infrakit.operator.Keys;
import io.infrakit.operator.write.SpecHistory;
import io.infrakit.plugins.json.Json;
import io.infrakit.store.Compare;
import io.infrakit.store.KeyValue;
import io.infrakit.store.Op;
import io.infrakit.store.Store;
import io.infrakit.store.Txn;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;

/** {@code infrakit group pause|resume|rollback ID}: steer a group's rolling update. */
final class GroupUpdateCommands {

    private GroupUpdateCommands() {
    }

    @Command(name = "pause", description = "Pause the group's rolling update (it still self-heals).")
    static final class Pause extends GroupIdCommand {
        @Override
        public Integer call() {
            return onExistingGroup((store, keys) -> {
                Map<String, String> marker = new LinkedHashMap<>();
                marker.put("Reason", "paused by user");
                marker.put("By", "user");
                marker.put("Since", Instant.now().toString());
                store.put(keys.pause(id), Json.write(marker));
                System.out.println("Paused " + id);
            });
        }
    }

    @Command(name = "resume", description = "Resume the group's rolling update (also after a failure paused it).")
    static final class Resume extends GroupIdCommand {
        @Override
        public Integer call() {
            return onExistingGroup((store, keys) -> {
                store.delete(keys.pause(id));
                System.out.println("Resumed " + id);
            });
        }
    }

    @Command(name = "rollback", description = "Commit the group's previous spec (a rolling update back to it).")
    static final class Rollback extends GroupIdCommand {
        @Override
        public Integer call() {
            Keys keys = etcd.keys();
            try (Store store = Stores.open(etcd)) {
                Optional<KeyValue> current = store.get(keys.group(id));
                if (current.isEmpty()) {
                    System.err.println("Group '" + id + "' is not being watched");
                    return 1;
                }
                var entries = SpecHistory.read(store, keys, id);
                String currentSha = entries.stream().filter(e -> e.revision() == current.get().modRevision())
                        .map(SpecHistory.Entry::configSha).findFirst().orElse("");
                Optional<SpecHistory.Entry> prev = SpecHistory.previous(entries, current.get().modRevision(),
                        currentSha);
                if (prev.isEmpty()) {
                    System.err.println("No previous spec of " + id + " is recorded (the leader keeps the last "
                            + SpecHistory.KEEP + ")");
                    return 1;
                }
                // Fails if someone changed the spec since we read it: never roll back over a newer commit.
                Txn txn = Txn.builder().when(Compare.modRevision(keys.group(id), current.get().modRevision()))
                        .then(Op.put(keys.group(id), Json.write(prev.get().spec())))
                        .then(Op.delete(keys.pause(id))).build();
                if (!store.commit(txn).succeeded()) {
                    System.err.println("The spec of " + id + " changed meanwhile; nothing rolled back");
                    return 1;
                }
                System.out.println("Rolled back " + id + " to the spec of revision " + prev.get().revision()
                        + " (config " + prev.get().configSha() + ")");
            }
            return 0;
        }
    }
}
