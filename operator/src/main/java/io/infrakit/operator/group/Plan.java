package io.infrakit.operator.group;

import io.infrakit.plugins.spi.InstanceDescription;
import java.util.List;

/**
 * What one reconcile will do to a group: instances to create (with their logical ID for pets, null for cattle) and
 * instances to destroy, each with the reason. {@code outOfDate} counts kept instances whose config differs from
 * the spec's (the rolling updater's business, not this plan's).
 */
public record Plan(List<Create> creates, List<Destroy> destroys, int outOfDate) {

    public Plan {
        creates = List.copyOf(creates);
        destroys = List.copyOf(destroys);
    }

    public boolean isEmpty() {
        return creates.isEmpty() && destroys.isEmpty();
    }

    /** One instance to provision; {@code logicalId} is null for cattle. */
    public record Create(String logicalId) {
    }

    /** One instance to destroy, why (for the log), and how (what the instance plugin is told; drained or not). */
    public record Destroy(InstanceDescription instance, String reason, Cause cause) {

        /** Not wanted by the spec: drained, then destroyed as InfraKit's "terminate". */
        public Destroy(InstanceDescription instance, String reason) {
            this(instance, reason, Cause.TERMINATE);
        }
    }

    /** How an instance leaves the group. */
    public enum Cause {
        /** Not wanted by the spec (scaled down, an unknown or duplicate logical ID, the group deleted). */
        TERMINATE("terminate", true),
        /** Replaced by a rolling update. */
        ROLLING_UPDATE("rolling_update", true),
        /** Replaced by a rolling update whose policy skips the drain ({@code SkipBeforeInstanceDestroy: drain}). */
        ROLLING_UPDATE_UNDRAINED("rolling_update", false);

        private final String pluginReason;
        private final boolean drain;

        Cause(String pluginReason, boolean drain) {
            this.pluginReason = pluginReason;
            this.drain = drain;
        }

        /** The reason InfraKit's Instance.Destroy is given. */
        public String pluginReason() {
            return pluginReason;
        }

        /** Whether Flavor.Drain is called first. */
        public boolean drain() {
            return drain;
        }
    }

    /** This plan with more destroys. */
    public Plan plus(List<Destroy> more) {
        if (more.isEmpty()) {
            return this;
        }
        List<Destroy> all = new java.util.ArrayList<>(destroys);
        all.addAll(more);
        return new Plan(creates, all, outOfDate);
    }
}
