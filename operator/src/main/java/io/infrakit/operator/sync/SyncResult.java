package io.infrakit.operator.sync;

import java.util.List;

/**
 * How one sync went.
 *
 * @param snapshot     what the source held (null when it could not be read)
 * @param plan         the differences found (null when the sync stopped before comparing)
 * @param problems     why it failed; empty otherwise
 * @param transactions etcd transactions committed
 * @param applied      changes written before a failure (only when a split plan hit a conflict half-way)
 */
public record SyncResult(Status status, String name, boolean dryRun, SourceSnapshot snapshot, SyncPlan plan,
                         List<SyncProblem> problems, int transactions, int applied, long revision) {

    public enum Status {
        /** etcd matches the source: nothing to write, no drift, no orphan. */
        IN_SYNC,
        /** Dry run: applying would change etcd. After a real sync: drift or orphans remain, as asked. */
        OUT_OF_SYNC,
        /** Changes were written. */
        APPLIED,
        /** Nothing was written (unless {@code applied} says otherwise); see {@code problems}. */
        FAILED
    }

    public SyncResult {
        problems = List.copyOf(problems);
    }

    public boolean failed() {
        return status == Status.FAILED;
    }
}
