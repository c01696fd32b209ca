package io.infrakit.plugins.supervision;

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
public final class CrashLoops {

    public static final Duration QUICK_EXIT = Duration.ofSeconds(1);
    public static final Duration FIRST_DELAY = Duration.ofMillis(250);
    public static final Duration MAX_DELAY = Duration.ofSeconds(30);

    private record Streak(int count, long lastExitNanos) {
    }

    private final Map<String, Streak> streaks = new ConcurrentHashMap<>();

    /**
     * How long to hold back the report of an exit.
     *
     * @param group the instance's group
     * @param lived how long the instance ran, or null when unknown (never a streak)
     * @param atNanos when it exited, on {@link System#nanoTime()}'s clock
     */
    public Duration delay(String group, Duration lived, long atNanos) {
        if (lived == null || lived.compareTo(QUICK_EXIT) >= 0) {
            streaks.remove(group);
            return Duration.ZERO;
        }
        long started = atNanos - lived.toNanos();
        Streak s = streaks.compute(group, (g, prev) -> prev == null ? new Streak(1, atNanos)
                : new Streak(started - prev.lastExitNanos() > 0 ? prev.count() + 1 : prev.count(),
                        Math.max(prev.lastExitNanos(), atNanos)));
        if (s.count() <= 1) {
            return Duration.ZERO;
        }
        return Duration.ofMillis(Math.min(MAX_DELAY.toMillis(), FIRST_DELAY.toMillis() << Math.min(s.count() - 2, 16)));
    }

    /** Quick exits in a row in the group (0 when none). */
    public int streak(String group) {
        Streak s = streaks.get(group);
        return s == null ? 0 : s.count();
    }
}
