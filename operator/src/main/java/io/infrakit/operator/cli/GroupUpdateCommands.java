package io.infrakit.operator.cli;

import io.infrakit.operator.policy.Admission;
import io.infrakit.operator.write.Author;
import io.infrakit.operator.write.GroupWrites;
import io.infrakit.store.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code infrakit group pause|resume|rollback ID}: steer a group's rolling update. */
final class GroupUpdateCommands {

    private GroupUpdateCommands() {
    }

    @Command(name = "pause", description = "Pause the group's rolling update (it still self-heals).")
    static final class Pause extends GroupIdCommand {
        @Override
        public Integer call() {
            return write("pause", groups -> {
                groups.pause(id, Author.USER);
                return new Done("Paused " + id, null);
            });
        }
    }

    @Command(name = "resume", description = "Resume the group's rolling update (also after a failure paused it).")
    static final class Resume extends GroupIdCommand {
        @Override
        public Integer call() {
            return write("resume", groups -> {
                groups.resume(id, Author.USER);
                return new Done("Resumed " + id, null);
            });
        }
    }

    @Command(name = "rollback", description = {"Commit the group's previous spec (a rolling update back to it), "
            + "or with --to the spec of a revision its history recorded (infrakit group history ID)."})
    static final class Rollback extends GroupIdCommand {
        @Mixin
        PolicyOptions policy;
        @Mixin
        PluginOptions pluginOptions;

        @Option(names = "--to", paramLabel = "REV", description = "The spec revision to go back to (default: the "
                + "newest recorded at another config).")
        long to;

        /**
         * The spec it restores must pass today's policy: it may predate it. The built-ins are only asked what their
         * properties ask of the host; none is made.
         */
        @Override
        Admission admission(Store store) {
            return policy.admission(store, etcd, pluginOptions.builtins());
        }

        @Override
        public Integer call() {
            if (to < 0) {
                throw new UsageError("--to takes a revision (a positive number), not " + to, null);
            }
            return write("rollback", groups -> {
                GroupWrites.Rollback r = groups.rollback(id, to, Author.USER);
                return new Done("Rolled back " + id + " to the spec of revision " + r.fromRevision() + " (config "
                        + r.configSha() + "), now revision " + r.revision(), r.warning().orElse(null));
            });
        }
    }
}
