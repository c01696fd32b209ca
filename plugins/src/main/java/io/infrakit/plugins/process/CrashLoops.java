package io.infrakit.plugins.process;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tells a crash loop from kills, per group. An instance that exits within {@link #QUICK_EXIT} of its start after
 * it replaced one that did the same continues a streak, and the report of its exit is held back: 250 ms for the
 * second in a row, doubling up to 30 s. A controller that replaces instances at every report then restarts a broken
 * script slowly instead of hundreds of times a second. Instances killed together (none started after another's
 * quick exit) do not make a streak, and an instance that ran longer ends it: those are reported at once.
 */
final class CrashLoops {

    static final Duration QUICK_EXIT = Duration.ofSeconds(1);
    static final Duration FIRST_DELAY = Duration.ofMillis(250);
    static final Duration MAX_DELAY = Duration.ofSeconds(30);

    private record Streak(int count, long lastExitNanos) {
    }

    private final Map<String, Streak> streaks = new ConcurrentHashMap<>();

    /** How long to hold back the report of this exit. */
    Duration delay(ExitWatcher.Exit exit) {
        if (exit.lived() == null || exit.lived().compareTo(QUICK_EXIT) >= 0) {
            streaks.remove(exit.group());
            return Duration.ZERO;
        }
        long started = exit.atNanos() - exit.lived().toNanos();
        Streak s = streaks.compute(exit.group(), (g, prev) -> prev == null ? new Streak(1, exit.atNanos())
                : new Streak(started - prev.lastExitNanos() > 0 ? prev.count() + 1 : prev.count(),
                        Math.max(prev.lastExitNanos(), exit.atNanos())));
        if (s.count() <= 1) {
            return Duration.ZERO;
        }
        return Duration.ofMillis(Math.min(MAX_DELAY.toMillis(), FIRST_DELAY.toMillis() << Math.min(s.count() - 2, 16)));
    }

    /** Quick exits in a row in the group (0 when none). */
    int streak(String group) {
        Streak s = streaks.get(group);
        return s == null ? 0 : s.count();
    }
}
