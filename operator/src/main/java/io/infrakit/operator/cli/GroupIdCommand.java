package io.infrakit.operator.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.infrakit.operator.policy.Admission;
import io.infrakit.operator.write.GroupWrites;
import io.infrakit.operator.write.WriteException;
import io.infrakit.store.Store;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** A command that acts on one group by ID. */
abstract class GroupIdCommand implements Callable<Integer> {

    @Mixin
    EtcdOptions etcd;
    @Mixin
    OutputOptions output;

    @Parameters(paramLabel = "ID", description = "The group's ID.", completionCandidates = Completions.Groups.class)
    String id;

    /** What a write did, for people, and the write path's warning (a synced group's drift), if any. */
    record Done(String message, String warning) {
    }

    /** {@code -o json}: what was done to which group. */
    @JsonPropertyOrder({"ID", "Action", "Message", "Warning"})
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Report(@JsonProperty("ID") String id, @JsonProperty("Action") String action,
                  @JsonProperty("Message") String message, @JsonProperty("Warning") String warning) {
    }

    /**
     * Runs a write through the group write path and prints what it says; a refused write (a group that is not
     * watched, a concurrent change, ...) is its message on stderr and exit code 1.
     */
    int write(String action, Function<GroupWrites, Done> write) {
        try (Store store = Stores.open(etcd)) {
            Done done = write.apply(new GroupWrites(store, etcd.keys(), null, Clock.systemUTC())
                    .admitting(admission(store)));
            if (done.warning() != null) {
                System.err.println("warning: " + done.warning());
            }
            if (output.json()) {
                OutputOptions.printJson(new Report(id, action, done.message(), done.warning()), false);
            } else {
                System.out.println(done.message());
            }
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
