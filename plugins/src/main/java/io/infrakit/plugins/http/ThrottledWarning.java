package io.infrakit.plugins.http;

import java.time.Duration;
import java.util.function.LongFunction;
import org.slf4j.Logger;

/**
 * A warning about something that can happen thousands of times a second (a refused or evicted connection): the
 * first occurrence is logged at once, later ones are counted and summed up in one line per interval, so an attack
 * costs one line a minute, not one per connection.
 */
public final class ThrottledWarning {

    private final Logger log;
    private final long intervalNanos;
    private final LongFunction<String> message;
    private long lastLogged;
    private boolean loggedOnce;
    private long pending;

    /**
     * @param message the line for a number of occurrences
     */
    public ThrottledWarning(Logger log, Duration interval, LongFunction<String> message) {
        this.log = log;
        this.intervalNanos = interval.toNanos();
        this.message = message;
    }

    /** One more occurrence. */
    public void record() {
        String line;
        synchronized (this) {
            pending++;
            line = due(System.nanoTime());
        }
        if (line != null) {
            log.warn(line);
        }
    }

    /** Logs what was held back, once its interval is over; called now and then by the owner. */
    public void flush() {
        String line;
        synchronized (this) {
            line = pending == 0 ? null : due(System.nanoTime());
        }
        if (line != null) {
            log.warn(line);
        }
    }

    private String due(long now) {
        if (loggedOnce && now - lastLogged < intervalNanos) {
            return null;
        }
        loggedOnce = true;
        lastLogged = now;
        String line = message.apply(pending);
        pending = 0;
        return line;
    }
}
