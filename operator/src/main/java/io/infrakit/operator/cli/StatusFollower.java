package io.infrakit.operator.cli;

import io.infrakit.operator.Keys;
import io.infrakit.operator.group.GroupStatus;
import io.infrakit.operator.group.RollingUpdater;
import io.infrakit.operator.group.UpdateProgress;
import io.infrakit.operator.group.UpdateState;
import io.infrakit.store.Store;
import java.time.Duration;
import java.util.Objects;

/**
 * Follows a group's status after a commit until it converges at that spec revision (exit 0); its update fails,
 * whatever the policy did about it (paused, rolled back, or continued past the failure), or its instances crash
 * loop (exit 1, with the reason); a person paused the update (exit {@link #PAUSED}); or time runs out (exit 1). A
 * progress bar on a terminal, plain lines otherwise.
 */
final class StatusFollower {

    /** The exit code when the update is paused by a person ({@code infrakit group pause}). */
    static final int PAUSED = 4;

    private final Store store;
    private final Keys keys;
    private final String id;
    private final long revision;
    private final Duration timeout;
    private final boolean print;
    private final boolean terminal = System.console() != null;

    StatusFollower(Store store, Keys keys, String id, long revision, Duration timeout, boolean print) {
        this.store = store;
        this.keys = keys;
        this.id = id;
        this.revision = revision;
        this.timeout = timeout;
        this.print = print;
    }

    int follow() throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = null;
        while (System.nanoTime() < deadline) {
            GroupStatus s = store.get(keys.status(id)).flatMap(kv -> GroupStatus.fromJson(kv.value())).orElse(null);
            if (s != null && s.specRevision() >= revision) {
                String line = describe(s);
                if (print && !Objects.equals(line, last)) {
                    System.out.print(terminal ? "\r\033[K" + line : line + "\n");
                    System.out.flush();
                    last = line;
                }
                Integer end = verdict(s);
                if (end != null) {
                    finish();
                    return end;
                }
            }
            Thread.sleep(200);
        }
        finish();
        System.err.println("timed out after " + timeout.toSeconds() + "s waiting for " + id + " to converge");
        return 1;
    }

    /** The exit code when the status ends the wait (printing why, on stderr), or null to go on waiting. */
    private Integer verdict(GroupStatus s) {
        UpdateProgress u = s.update();
        GroupStatus.RolledBack r = s.rolledBack();
        if (r != null && r.failedRevision() >= revision) {
            System.err.println("update failed: " + r.reason() + "; rolled back (spec revision " + r.revision() + ")");
            return 1;
        }
        if (u != null && u.state() == UpdateState.FAILED) {
            System.err.println("update failed: " + u.reason() + "; paused (infrakit group resume " + id
                    + " to try again, infrakit group rollback " + id + " to go back)");
            return 1;
        }
        if (u != null && u.state() == UpdateState.PAUSED) {
            System.err.println("update paused by a person (" + u.reason() + "): infrakit group resume " + id);
            return PAUSED;
        }
        // During an update a crash loop fails the update (above); otherwise two quick exits in a row say enough.
        if (s.crashLoop() != null && s.crashLoop().restarts() >= RollingUpdater.CRASH_LOOP_FAILS_AFTER
                && (u == null || !u.isRolling())) {
            System.err.println(s.problem());
            return 1;
        }
        if (s.converged() && u != null && u.state() == UpdateState.DONE && u.reason() != null) {
            System.err.println("update done, but not cleanly: " + u.reason());
            return 1;
        }
        return s.converged() ? 0 : null;
    }

    private void finish() {
        if (print && terminal) {
            System.out.println();
        }
    }

    private static String describe(GroupStatus s) {
        UpdateProgress u = s.update();
        if (u != null && u.state() != UpdateState.DONE) {
            int width = 30;
            int filled = u.total() == 0 ? width : (int) (width * Math.min(u.done(), u.total()) / u.total());
            return String.format("%s [%s%s] %d/%d updated, batch %d, %s%s", s.id(), "#".repeat(filled),
                    ".".repeat(width - filled), u.done(), u.total(), u.batch(), u.state(),
                    u.reason() == null ? "" : " (" + u.reason() + ")");
        }
        return String.format("%s: %s, %s of %d instances%s", s.id(), s.state(),
                s.observed() == null ? "?" : s.observed(), s.desired(),
                s.problem() == null ? "" : " (" + s.problem() + ")");
    }
}
