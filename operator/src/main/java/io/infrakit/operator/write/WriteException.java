package io.infrakit.operator.write;

/** A group write refused by one of the rules; nothing was written. The message says why, for people. */
public class WriteException extends RuntimeException {

    /** Which rule refused it. */
    public enum Reason {
        /** The group has no spec (or, to InfraKit's Free, is already free): InfraKit's "not being watched". */
        NOT_WATCHED,
        /** The spec is not valid. */
        INVALID,
        /** The spec is valid, and the admission policy refuses it. */
        REFUSED,
        /** The spec changed since it was read: someone else wrote first. */
        CONFLICT,
        /** Another sync source owns the group. */
        OWNED,
        /** Nothing to roll back to. */
        NO_HISTORY
    }

    private final Reason reason;

    public WriteException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    static WriteException notWatched(String id) {
        return new WriteException(Reason.NOT_WATCHED, "Group '" + id + "' is not being watched");
    }

    static WriteException conflict(String id, long read, long now) {
        return new WriteException(Reason.CONFLICT, "Group '" + id + "' was changed by another writer since it was"
                + " read (revision " + read + ", now " + (now == 0 ? "deleted" : now) + "): nothing written; read it"
                + " again and retry");
    }
}
