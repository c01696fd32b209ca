package io.infrakit.plugins.json;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;

/** Parses Go's {@code time.ParseDuration} syntax ({@code 1s}, {@code 1m30s}, {@code 250ms}, {@code 1.5h}). */
public final class GoDuration {

    private static final Map<String, Long> UNIT_NANOS = Map.of(
            "ns", 1L, "us", 1_000L, "\u00b5s", 1_000L, "\u03bcs", 1_000L, "ms", 1_000_000L,
            "s", 1_000_000_000L, "m", 60_000_000_000L, "h", 3_600_000_000_000L);

    private GoDuration() {
    }

    /**
     * @throws IllegalArgumentException when the text is not a Go duration (Go's own rules: a unit on every number,
     *                                  {@code "0"} alone needs none)
     */
    public static Duration parse(String text) {
        if (text == null || text.isEmpty()) {
            throw invalid(text);
        }
        String s = text;
        boolean negative = false;
        if (s.charAt(0) == '-' || s.charAt(0) == '+') {
            negative = s.charAt(0) == '-';
            s = s.substring(1);
        }
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        if (s.isEmpty()) {
            throw invalid(text);
        }
        BigDecimal nanos = BigDecimal.ZERO;
        int i = 0;
        while (i < s.length()) {
            int start = i;
            while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
                i++;
            }
            String number = s.substring(start, i);
            int unitStart = i;
            while (i < s.length() && !Character.isDigit(s.charAt(i)) && s.charAt(i) != '.') {
                i++;
            }
            Long unit = UNIT_NANOS.get(s.substring(unitStart, i));
            if (unit == null || number.isEmpty() || number.equals(".") || number.indexOf('.') != number.lastIndexOf('.')) {
                throw invalid(text);
            }
            nanos = nanos.add(new BigDecimal(number.startsWith(".") ? "0" + number : number)
                    .multiply(BigDecimal.valueOf(unit)));
        }
        if (nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException("time: invalid duration \"" + text + "\" (overflow)");
        }
        long n = nanos.longValue(); // Go truncates fractions of a nanosecond
        return Duration.ofNanos(negative ? -n : n);
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("time: invalid duration \"" + text + "\"");
    }
}
