package io.infrakit.operator.group;

/**
 * Where a group stands, as its status says it ({@code "State"}, lower case on the wire). Everything that reads a
 * state asks the constant (is it converged, does it need a person), so a new state is one constant here, plus a
 * field of {@link GroupStatus} if it carries data.
 */
public enum GroupState implements WireEnum {

    /** As many instances as desired, all at the spec's config, no update under way. */
    CONVERGED(true, false),
    /** Getting there: instances to create, destroy or replace, or a rolling update under way. */
    CONVERGING(false, false),
    /** The last pass failed (invalid spec, plugin error): the status's error says why; it is retried. */
    ERROR(false, true),
    /**
     * The instance plugin could not be asked what exists (gone, not answering, or answering with an error): the
     * status's error has its words, and {@code Observed} is unknown.
     */
    UNREACHABLE(false, true),
    /** Instances vanish soon after they are made: replacements wait a doubling delay ({@code CrashLoop}). */
    CRASH_LOOPING(false, true),
    /** A rolling update failed and is paused at its failure ({@code Update.Reason}) until resumed or replaced. */
    FAILED(false, true),
    /** A rolling update failed and was rolled back ({@code RolledBack}); so it stays until the next commit. */
    ROLLED_BACK(false, true),
    /** Released from management ({@code infrakit group free}): its instances are left alone. */
    FREE(false, false),
    /** The spec is gone: its instances are being destroyed. */
    DELETING(false, false);

    private final boolean converged;
    private final boolean problem;

    GroupState(boolean converged, boolean problem) {
        this.converged = converged;
        this.problem = problem;
    }

    /** A group being served normally: converged when all is as the spec says and no update is under way. */
    public static GroupState serving(long desired, long observed, long outOfDate, UpdateProgress update) {
        boolean updating = update != null && update.state() != UpdateState.DONE;
        return observed == desired && outOfDate == 0 && !updating ? CONVERGED : CONVERGING;
    }

    /** The status's {@code "Converged"}: InfraKit's {@code DescribeGroup} answer. */
    public boolean converged() {
        return converged;
    }

    /** Whether the group needs someone's attention. */
    public boolean problem() {
        return problem;
    }

    @Override
    public String toString() {
        return wireName();
    }
}
