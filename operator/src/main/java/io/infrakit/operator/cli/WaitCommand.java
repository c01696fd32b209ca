package io.infrakit.operator.cli;

import io.infrakit.operator.Keys;
import io.infrakit.operator.group.GroupStatus;
import io.infrakit.store.KeyValue;
import io.infrakit.store.Store;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code infrakit wait ID --for converged|deleted}: for scripts, until a group gets there (an etcd watch). */
@Command(name = "wait", description = {"Wait until a group is converged at its current spec (--for converged, the "
        + "default) or is gone with its instances (--for deleted). Prints the group's state when it gets there."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the condition is met",
                "1:it cannot be met without someone: the group's rolling update failed or is paused, the group is "
                        + "not there (converged), or etcd is unreachable",
                "2:usage error",
                "5:timed out (--timeout)"})
final class WaitCommand extends GroupIdCommand {

    /** Exit code when time ran out. */
    static final int TIMED_OUT = 5;

    enum Condition { converged, deleted }

    @Option(names = "--for", defaultValue = "converged", paramLabel = "CONDITION",
            description = "${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
    Condition condition;

    @Option(names = "--timeout", defaultValue = "5m", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "How long to wait (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        Keys keys = etcd.keys();
        try (Store store = Stores.open(etcd)) {
            if (condition == Condition.deleted) {
                return deleted(store, keys);
            }
            Optional<KeyValue> spec = store.get(keys.group(id));
            if (spec.isEmpty()) {
                System.err.println("Group '" + id + "' is not being watched");
                return 1;
            }
            StatusFollower.Outcome outcome = new StatusFollower(store, keys, id, spec.get().modRevision(), timeout,
                    false).await();
            if (outcome == StatusFollower.Outcome.CONVERGED) {
                printStatus(store, keys);
                return 0;
            }
            return outcome == StatusFollower.Outcome.TIMED_OUT ? TIMED_OUT : 1;
        }
    }

    private int deleted(Store store, Keys keys) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KeyWatch watch = KeyWatch.keys(store, keys.group(id), keys.status(id))) {
            while (watch.awaitChange(Duration.ofNanos(deadline - System.nanoTime()), Duration.ZERO)) {
                if (watch.value(keys.group(id)).isEmpty() && watch.value(keys.status(id)).isEmpty()) {
                    if (output.json()) {
                        OutputOptions.printJson(java.util.Map.of("ID", id, "Deleted", true), false);
                    } else {
                        System.out.println(id + ": deleted");
                    }
                    return 0;
                }
            }
        }
        System.err.println("timed out after " + timeout.toSeconds() + "s waiting for " + id + " to be deleted");
        return TIMED_OUT;
    }

    private void printStatus(Store store, Keys keys) {
        store.get(keys.status(id)).flatMap(kv -> GroupStatus.fromJson(kv.value())).ifPresent(s -> {
            if (output.json()) {
                OutputOptions.printJson(s, false);
            } else {
                System.out.println(StatusFollower.describe(s));
            }
        });
    }
}
