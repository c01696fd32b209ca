package io.infrakit.plugins.json;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Formats a float64 exactly as Go 1.8+'s {@code encoding/json} does (its {@code floatEncoder}): the shortest decimal
 * that reads back as the same double; plain notation ({@code 'f'}) unless {@code |x| < 1e-6} or {@code |x| >= 1e21},
 * where it is exponent notation with a signed exponent of at least one digit ({@code 1e+21}, {@code 1e-7}, not
 * {@code 1e-07}). Negative zero is {@code -0}. Java's own {@code Double.toString} is not used: on Java 17 it is not
 * always the shortest, and its layout differs.
 */
public final class GoFloat {

    private static final double TWO_POW_53 = 9007199254740992.0;

    private GoFloat() {
    }

    /**
     * @throws IllegalArgumentException for NaN and infinities, which JSON cannot carry (Go refuses them too)
     */
    public static String format(double f) {
        if (Double.isNaN(f) || Double.isInfinite(f)) {
            throw new IllegalArgumentException("json: unsupported value: " + f);
        }
        if (f == 0) {
            return (Double.doubleToRawLongBits(f) < 0) ? "-0" : "0";
        }
        double abs = Math.abs(f);
        if (abs < TWO_POW_53 && f == Math.rint(f)) {
            // Every digit of an integer below 2^53 is needed to read it back, so its shortest form is itself.
            return Long.toString((long) f);
        }
        BigDecimal digits = shortest(f);
        if (abs < 1e-6 || abs >= 1e21) {
            return exponentForm(digits);
        }
        return digits.toPlainString();
    }

    /** The shortest decimal (fewest significant digits; the nearest among equals) that parses back to {@code f}. */
    static BigDecimal shortest(double f) {
        BigDecimal exact = new BigDecimal(f);
        for (int p = 1; p <= 17; p++) {
            BigDecimal nearest = exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
            if (nearest.doubleValue() == f) {
                return nearest.stripTrailingZeros();
            }
            // Next to a power of two the interval that reads back as f is lopsided: the other neighbour may fit.
            BigDecimal down = exact.round(new MathContext(p, RoundingMode.DOWN));
            BigDecimal other = down.compareTo(nearest) == 0 ? exact.round(new MathContext(p, RoundingMode.UP)) : down;
            if (other.doubleValue() == f) {
                return other.stripTrailingZeros();
            }
        }
        return exact.round(MathContext.DECIMAL64).stripTrailingZeros(); // 17 digits always suffice; not reached
    }

    private static String exponentForm(BigDecimal d) {
        String digits = d.unscaledValue().abs().toString();
        // value = 0.digits... scaled: exponent of the first digit
        int exponent = digits.length() - 1 - d.scale();
        StringBuilder sb = new StringBuilder(digits.length() + 8);
        if (d.signum() < 0) {
            sb.append('-');
        }
        sb.append(digits.charAt(0));
        if (digits.length() > 1) {
            sb.append('.').append(digits, 1, digits.length());
        }
        sb.append('e').append(exponent < 0 ? '-' : '+');
        int e = Math.abs(exponent);
        // strconv pads to two digits; encoding/json then turns "e-07" into "e-7" but keeps "e+21".
        if (e < 10 && exponent > 0) {
            sb.append('0');
        }
        sb.append(e);
        return sb.toString();
    }
}
