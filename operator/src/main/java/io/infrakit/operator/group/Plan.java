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

    /**
     * One instance to destroy: drained first unless {@code drain} is false; {@code rolling} when a rolling update
     * replaces it (the instance plugin is told "rolling_update" rather than "terminate").
     */
    public record Destroy(InstanceDescription instance, String reason, boolean rolling, boolean drain) {

        public Destroy(InstanceDescription instance, String reason) {
            this(instance, reason, false, true);
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
