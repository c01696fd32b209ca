package io.infrakit.operator.group;

/** Where a rolling update stands ({@code "Update": {"State": ...}}, lower case on the wire). */
public enum UpdateState implements WireEnum {

    /** Replacing out-of-date instances batch by batch. */
    ROLLING(false),
    /** Stopped by a person ({@code infrakit group pause}); the group still self-heals. */
    PAUSED(true),
    /** Stopped by a failed batch (the policy's pause); {@code infrakit group resume} or a new spec goes on. */
    FAILED(true),
    /** Every instance is at the target config. */
    DONE(false);

    private final boolean stopped;

    UpdateState(boolean stopped) {
        this.stopped = stopped;
    }

    /** Whether the update waits for a person (or a new spec) before it goes on. */
    public boolean stopped() {
        return stopped;
    }

    @Override
    public String toString() {
        return wireName();
    }
}
