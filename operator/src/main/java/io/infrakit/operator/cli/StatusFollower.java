package io.infrakit.operator.cli;

import io.infrakit.operator.Keys;
import io.infrakit.operator.group.GroupStatus;
import io.infrakit.operator.group.RollingUpdater;
import io.infrakit.operator.group.UpdateProgress;
import io.infrakit.operator.group.UpdateState;
import io.infrakit.store.Store;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Follows a group's status after a commit until it converges at that spec revision (exit 0); its update fails,
 * whatever the policy did about it (paused, rolled back, or continued past the failure), or its instances crash
 * loop (exit 1, with the reason); a person paused the update (exit {@link #PAUSED}); or time runs out (exit 1).
 * Or, after a destroy, until the status is gone (exit 0: the leader deletes it once every instance is destroyed) or
 * time runs out (exit 1). Fed by a watch on the status key: a progress bar on a terminal, otherwise one line per
 * change of what it shows.
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
    private KeyWatch watch;
    /** The progress line shown last. */
    private String last;

    StatusFollower(Store store, Keys keys, String id, long revision, Duration timeout, boolean print) {
        this.store = store;
        this.keys = keys;
        this.id = id;
        this.revision = revision;
        this.timeout = timeout;
        this.print = print;
    }

    /** How following ended: converged; failed (update failed or rolled back, crash loop); paused by a person. */
    enum Outcome { CONVERGED, FAILED, PAUSED, TIMED_OUT }

    int follow() throws InterruptedException {
        return switch (await()) {
            case CONVERGED -> 0;
            case PAUSED -> PAUSED;
            default -> 1;
        };
    }

    Outcome await() throws InterruptedException {
        Outcome end = watchStatus(stored -> {
            GroupStatus s = stored.flatMap(GroupStatus::fromJson).orElse(null);
            if (s == null || s.specRevision() < revision) {
                return null;
            }
            show(describe(s));
            return verdict(s);
        });
        if (end != null) {
            return end;
        }
        System.err.println("timed out after " + timeout.toSeconds() + "s waiting for " + id + " to converge");
        return Outcome.TIMED_OUT;
    }

    /** Waits until the group's status is gone: the leader has destroyed every instance and then the status. */
    int followDeletion() throws InterruptedException {
        Boolean gone = watchStatus(stored -> {
            if (stored.isEmpty()) {
                return true;
            }
            GroupStatus s = GroupStatus.fromJson(stored.get()).orElse(null);
            show(s == null ? null : String.format("%s: %s, %s instance%s left%s", s.id(), s.state(),
                    s.observed() == null ? "?" : s.observed(), Long.valueOf(1).equals(s.observed()) ? "" : "s",
                    s.error() == null ? "" : " (error: " + s.error().message() + ")"));
            return null;
        });
        if (gone != null) {
            if (print) {
                System.out.println("Destroyed " + id + ": no instance left");
            }
            return 0;
        }
        System.err.println("timed out after " + timeout.toSeconds() + "s waiting for " + id + "'s instances to be "
                + "destroyed (is an operator running?)");
        return 1;
    }

    /**
     * Watches the status key until {@code check}, given the stored value at each change, says how it ends (not
     * null); null when time runs out.
     */
    private <R> R watchStatus(Function<Optional<String>, R> check) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        last = null;
        watch = KeyWatch.keys(store, keys.status(id));
        while (watch.awaitChange(Duration.ofNanos(deadline - System.nanoTime()), Duration.ZERO)) {
            R end = check.apply(watch.value(keys.status(id)));
            if (end != null) {
                finish();
                return end;
            }
        }
        finish();
        return null;
    }

    /** Shows a line of progress (on a terminal, in place of the last), unless it is the one shown last. */
    private void show(String line) {
        if (print && line != null && !Objects.equals(line, last)) {
            System.out.print(terminal ? "\r\033[K" + line : line + "\n");
            System.out.flush();
            last = line;
        }
    }

    /** How the status ends the wait (printing why, on stderr), or null to go on waiting. */
    private Outcome verdict(GroupStatus s) {
        UpdateProgress u = s.update();
        GroupStatus.RolledBack r = s.rolledBack();
        if (r != null && r.failedRevision() >= revision) {
            System.err.println("update failed: " + r.reason() + "; rolled back (spec revision " + r.revision() + ")");
            return Outcome.FAILED;
        }
        if (u != null && u.state() == UpdateState.FAILED) {
            System.err.println("update failed: " + u.reason() + "; paused (infrakit group resume " + id
                    + " to try again, infrakit group rollback " + id + " to go back)");
            return Outcome.FAILED;
        }
        if (u != null && u.state() == UpdateState.PAUSED) {
            System.err.println("update paused by a person (" + u.reason() + "): infrakit group resume " + id);
            return Outcome.PAUSED;
        }
        // During an update a crash loop fails the update (above); otherwise two quick exits in a row say enough.
        if (s.crashLoop() != null && s.crashLoop().restarts() >= RollingUpdater.CRASH_LOOP_FAILS_AFTER
                && (u == null || !u.isRolling())) {
            System.err.println(s.problem());
            return Outcome.FAILED;
        }
        if (s.converged() && u != null && u.state() == UpdateState.DONE && u.reason() != null) {
            System.err.println("update done, but not cleanly: " + u.reason());
            return Outcome.FAILED;
        }
        return s.converged() ? Outcome.CONVERGED : null;
    }

    private void finish() {
        watch.close();
        if (print && terminal) {
            System.out.println();
        }
    }

    static String describe(GroupStatus s) {
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
