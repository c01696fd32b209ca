package io.infrakit.operator.cli;

import io.infrakit.operator.Keys;
import io.infrakit.operator.group.GroupStatus;
import io.infrakit.operator.group.UpdateProgress;
import io.infrakit.operator.group.UpdateState;
import io.infrakit.store.Store;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Follows a group's status after a commit until it converges at that spec revision (exit 0), its update fails or
 * is paused (exit 1), or time runs out (exit 1); or, after a destroy, until the status is gone (exit 0: the leader
 * deletes it once every instance is destroyed) or time runs out (exit 1). Fed by a watch on the status key: a
 * progress bar on a terminal, otherwise one line per change of what it shows.
 */
final class StatusFollower {

    private final Store store;
    private final Keys keys;
    private final String id;
    private final long revision;
    private final Duration timeout;
    private final boolean print;
    private final boolean terminal = System.console() != null;
    private KeyWatch watch;

    StatusFollower(Store store, Keys keys, String id, long revision, Duration timeout, boolean print) {
        this.store = store;
        this.keys = keys;
        this.id = id;
        this.revision = revision;
        this.timeout = timeout;
        this.print = print;
    }

    /** How following ended. */
    enum Outcome { CONVERGED, STOPPED, TIMED_OUT }

    int follow() throws InterruptedException {
        return await() == Outcome.CONVERGED ? 0 : 1;
    }

    Outcome await() throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = null;
        watch = KeyWatch.keys(store, keys.status(id));
        while (watch.awaitChange(Duration.ofNanos(deadline - System.nanoTime()), Duration.ZERO)) {
            GroupStatus s = watch.value(keys.status(id)).flatMap(GroupStatus::fromJson).orElse(null);
            if (s != null && s.specRevision() >= revision) {
                String line = describe(s);
                if (print && !Objects.equals(line, last)) {
                    System.out.print(terminal ? "\r\033[K" + line : line + "\n");
                    System.out.flush();
                    last = line;
                }
                UpdateProgress u = s.update();
                if (u != null && u.state().stopped()) {
                    finish();
                    System.err.println("update " + u.state() + ": " + u.reason());
                    return Outcome.STOPPED;
                }
                if (s.converged()) {
                    finish();
                    return Outcome.CONVERGED;
                }
            }
        }
        finish();
        System.err.println("timed out after " + timeout.toSeconds() + "s waiting for " + id + " to converge");
        return Outcome.TIMED_OUT;
    }

    /** Waits until the group's status is gone: the leader has destroyed every instance and then the status. */
    int followDeletion() throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = null;
        watch = KeyWatch.keys(store, keys.status(id));
        while (watch.awaitChange(Duration.ofNanos(deadline - System.nanoTime()), Duration.ZERO)) {
            Optional<String> stored = watch.value(keys.status(id));
            if (stored.isEmpty()) {
                finish();
                if (print) {
                    System.out.println("Destroyed " + id + ": no instance left");
                }
                return 0;
            }
            GroupStatus s = GroupStatus.fromJson(stored.get()).orElse(null);
            String line = s == null ? null : String.format("%s: %s, %d instance%s left%s", s.id(), s.state(),
                    s.observed(), s.observed() == 1 ? "" : "s",
                    s.error() == null ? "" : " (error: " + s.error().message() + ")");
            if (print && line != null && !Objects.equals(line, last)) {
                System.out.print(terminal ? "\r\033[K" + line : line + "\n");
                System.out.flush();
                last = line;
            }
        }
        finish();
        System.err.println("timed out after " + timeout.toSeconds() + "s waiting for " + id + "'s instances to be "
                + "destroyed (is an operator running?)");
        return 1;
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
        return String.format("%s: %s, %d of %d instances%s", s.id(), s.state(), s.observed(), s.desired(),
                s.error() == null ? "" : " (error: " + s.error().message() + ")");
    }
}
