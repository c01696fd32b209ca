package io.infrakit.operator.events;

import io.infrakit.operator.group.GroupStatus;
import io.infrakit.operator.group.UpdateProgress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The events a status change makes: a new state, a new error, a rolling update that moved on. */
public final class StatusEvents {

    /** The controller, as the actor of what it does. */
    public static final String CONTROLLER = "controller";

    private StatusEvents() {
    }

    /** What changed from {@code before} (null: no status yet) to {@code after}. */
    public static List<Event> between(GroupStatus before, GroupStatus after, Instant now) {
        List<Event> out = new ArrayList<>();
        String id = after.id();
        if (before == null || before.state() != after.state()) {
            out.add(Event.of(now, id, EventKind.STATE, null, CONTROLLER, (before == null ? ""
                    : before.state() + " → ") + after.state() + ", "
                    + (after.observed() == null ? "?" : after.observed()) + " of " + after.desired() + " instances"
                    + (after.outOfDate() > 0 ? ", " + after.outOfDate() + " out of date" : "")));
        }
        String error = after.error() == null ? null : after.error().message();
        String was = before == null || before.error() == null ? null : before.error().message();
        if (error != null && !error.equals(was)) {
            out.add(Event.of(now, id, EventKind.ERROR, null, CONTROLLER, error));
        }
        UpdateProgress u = after.update();
        UpdateProgress p = before == null ? null : before.update();
        if (u != null && (p == null || p.state() != u.state() || !Objects.equals(p.targetSha(), u.targetSha()))) {
            out.add(Event.of(now, id, EventKind.STATE, null, CONTROLLER, "update to " + u.targetSha() + ": "
                    + (p == null || !Objects.equals(p.targetSha(), u.targetSha()) ? "" : p.state() + " → ")
                    + u.state() + ", " + u.done() + "/" + u.total() + " done"
                    + (u.reason() == null ? "" : " (" + u.reason() + ")")));
        }
        return out;
    }
}
