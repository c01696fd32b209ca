package io.infrakit.operator.cli;

import io.infrakit.operator.policy.Admission;
import io.infrakit.operator.write.Author;
import io.infrakit.operator.write.GroupWrites;
import io.infrakit.store.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code infrakit group pause|resume|rollback ID}: steer a group's rolling update. */
final class GroupUpdateCommands {

    private GroupUpdateCommands() {
    }

    @Command(name = "pause", description = "Pause the group's rolling update (it still self-heals).")
    static final class Pause extends GroupIdCommand {
        @Override
        public Integer call() {
            return write(groups -> {
                groups.pause(id, Author.USER);
                return "Paused " + id;
            });
        }
    }

    @Command(name = "resume", description = "Resume the group's rolling update (also after a failure paused it).")
    static final class Resume extends GroupIdCommand {
        @Override
        public Integer call() {
            return write(groups -> {
                groups.resume(id, Author.USER);
                return "Resumed " + id;
            });
        }
    }

    @Command(name = "rollback", description = "Commit the group's previous spec (a rolling update back to it).")
    static final class Rollback extends GroupIdCommand {
        @Mixin
        PolicyOptions policy;

        /** The spec it restores must pass today's policy: it may predate it. Nothing is made to check it. */
        @Override
        Admission admission(Store store) {
            return policy.admission(store, etcd, new PluginOptions().builtins());
        }

        @Override
        public Integer call() {
            return write(groups -> {
                GroupWrites.Rollback r = groups.rollback(id, Author.USER);
                warn(r.warning());
                return "Rolled back " + id + " to the spec of revision " + r.fromRevision() + " (config "
                        + r.configSha() + ")";
            });
        }
    }
}
