package io.infrakit.operator.events;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What happened to a group; written in lower case ({@code "Kind":"provision"}). */
public enum EventKind {
    /** The status's state changed ({@code converging → converged}). */
    STATE,
    /** A reconcile failed: a new error in the status, or a failure that never reached it (etcd trouble). */
    ERROR,
    /** An instance was provisioned. */
    PROVISION,
    /** An instance was destroyed. */
    DESTROY,
    /** A spec was committed. */
    COMMIT,
    /** The spec was deleted (its instances are destroyed), or the group is gone. */
    DELETE,
    /** The group was released from management. */
    FREE,
    /** The rolling update was paused (by a person or a failure). */
    PAUSE,
    /** The rolling update was resumed. */
    RESUME,
    /** A previous spec was committed again. */
    ROLLBACK;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return wireName();
    }
}
