package io.infrakit.plugins.json;

import java.time.Duration;
import java.util.Map;

/**
 * Go's {@code time.ParseDuration}, the one duration syntax of InfraKit's specs, flags and environment
 * ({@code 300ms}, {@code 1m30s}, {@code 1.5h}, {@code -2us}). Go's algorithm, so every text means what it means to
 * Go: an optional sign, then decimal numbers each with a unit ({@code ns us µs μs ms s m h}); {@code 0} alone needs
 * no unit; whole parts are exact, a fraction is scaled in double precision as Go scales it (so
 * {@code 0.3333333333333333333h} is 20 minutes); the range is Go's int64 nanoseconds. Errors carry Go's messages.
 */
public final class GoDuration {

    private static final Map<String, Long> UNIT_NANOS = Map.of(
            "ns", 1L, "us", 1_000L, "\u00b5s", 1_000L, "\u03bcs", 1_000L, "ms", 1_000_000L,
            "s", 1_000_000_000L, "m", 60_000_000_000L, "h", 3_600_000_000_000L);
    /** 1<<63 as an unsigned long: the magnitude of Go's most negative duration. */
    private static final long TWO_63 = Long.MIN_VALUE;

    private GoDuration() {
    }

    /** @throws IllegalArgumentException with Go's message when the text is not a Go duration */
    public static Duration parse(String text) {
        String s = text == null ? "" : text;
        int i = 0;
        boolean negative = false;
        if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
            negative = s.charAt(0) == '-';
            i = 1;
        }
        if (s.substring(i).equals("0")) {
            return Duration.ZERO;
        }
        if (i == s.length()) {
            throw invalid(text);
        }
        long total = 0; // unsigned, at most 1<<63
        while (i < s.length()) {
            if (s.charAt(i) != '.' && !isDigit(s.charAt(i))) {
                throw invalid(text);
            }
            // The whole part, exact.
            int start = i;
            long whole = 0;
            for (; i < s.length() && isDigit(s.charAt(i)); i++) {
                if (Long.compareUnsigned(whole, Long.divideUnsigned(TWO_63, 10)) > 0) {
                    throw invalid(text);
                }
                whole = whole * 10 + (s.charAt(i) - '0');
                if (Long.compareUnsigned(whole, TWO_63) > 0) {
                    throw invalid(text);
                }
            }
            boolean pre = i > start;
            // The fraction: digits past int64's precision are read and ignored, as Go does.
            long fraction = 0;
            double scale = 1;
            boolean post = false;
            if (i < s.length() && s.charAt(i) == '.') {
                int dot = ++i;
                boolean overflow = false;
                for (; i < s.length() && isDigit(s.charAt(i)); i++) {
                    if (overflow || fraction > Long.MAX_VALUE / 10) {
                        overflow = true;
                        continue;
                    }
                    long next = fraction * 10 + (s.charAt(i) - '0');
                    if (next < 0) {
                        overflow = true;
                        continue;
                    }
                    fraction = next;
                    scale *= 10;
                }
                post = i > dot;
            }
            if (!pre && !post) {
                throw invalid(text); // no digits, as in ".s"
            }
            int unitStart = i;
            while (i < s.length() && s.charAt(i) != '.' && !isDigit(s.charAt(i))) {
                i++;
            }
            if (i == unitStart) {
                throw new IllegalArgumentException("time: missing unit in duration " + quote(text));
            }
            String unit = s.substring(unitStart, i);
            Long nanos = UNIT_NANOS.get(unit);
            if (nanos == null) {
                throw new IllegalArgumentException("time: unknown unit " + quote(unit) + " in duration " + quote(text));
            }
            if (Long.compareUnsigned(whole, Long.divideUnsigned(TWO_63, nanos)) > 0) {
                throw invalid(text);
            }
            long value = whole * nanos;
            if (fraction > 0) {
                value += (long) (fraction * (nanos / scale)); // at most 3.6e12: an hour in nanoseconds
                if (Long.compareUnsigned(value, TWO_63) > 0) {
                    throw invalid(text);
                }
            }
            if (Long.compareUnsigned(value, TWO_63 - total) > 0) {
                throw invalid(text);
            }
            total += value;
        }
        if (negative) {
            return Duration.ofNanos(-total); // -(1<<63) is Long.MIN_VALUE itself
        }
        if (total < 0) {
            throw invalid(text); // 1<<63 has no positive int64
        }
        return Duration.ofNanos(total);
    }

    /** Go reads ASCII digits only. */
    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("time: invalid duration " + quote(text));
    }

    private static String quote(String s) {
        return "\"" + s + "\"";
    }
}
