package io.infrakit.operator.cli;

import io.infrakit.plugins.json.GoDuration;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads durations the way Go tools write them ({@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}); never negative. */
public final class DurationConverter implements ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        try {
            Duration d = GoDuration.parse(value);
            if (d.isNegative()) {
                throw new TypeConversionException("'" + value + "' is negative: give a duration of 0 or more");
            }
            return d;
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage() + " (a Go duration: 500ms, 10s, 2m, 1h)");
        }
    }
}
