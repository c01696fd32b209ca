package io.infrakit.operator.election;

/** Thrown into leader-only work when the leader can no longer prove its lease: the work stops, nothing is retried. */
public class LostLeadershipException extends RuntimeException {

    public LostLeadershipException(String message) {
        super(message);
    }
}
