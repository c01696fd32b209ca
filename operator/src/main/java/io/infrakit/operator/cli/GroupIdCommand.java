package io.infrakit.operator.cli;

import io.infrakit.operator.policy.Admission;
import io.infrakit.operator.write.GroupWrites;
import io.infrakit.operator.write.WriteException;
import io.infrakit.store.Store;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** A {@code group} subcommand that acts on one group by ID. */
abstract class GroupIdCommand implements Callable<Integer> {

    @Mixin
    EtcdOptions etcd;

    @Parameters(paramLabel = "ID")
    String id;

    /**
     * Runs a write through the group write path and prints what it says; a refused write (a group that is not
     * watched, a concurrent change, ...) is its message on stderr and exit code 1.
     */
    int write(Function<GroupWrites, String> action) {
        try (Store store = Stores.open(etcd)) {
            System.out.println(action.apply(new GroupWrites(store, etcd.keys(), null, admission(store),
                    Clock.systemUTC())));
            return 0;
        } catch (WriteException e) {
            System.err.println(e.getMessage());
            return 1;
        }
    }

    /** The policy a spec this command writes must pass; those that write no spec need none. */
    Admission admission(Store store) {
        return Admission.none();
    }

    /** A warning of the write path (the group belongs to a sync source), on stderr. */
    static void warn(java.util.Optional<String> warning) {
        warning.ifPresent(w -> System.err.println("warning: " + w));
    }
}
