package io.infrakit.operator.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** The meters of one kind of call: how long each took, and how many failed (threw). */
record CallMeters(Timer duration, Counter errors) {

    /** Runs the call, timed; a failure is counted and thrown on. */
    <T> T time(Supplier<T> call) {
        long start = System.nanoTime();
        try {
            return call.get();
        } catch (RuntimeException e) {
            errors.increment();
            throw e;
        } finally {
            duration.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }
}
