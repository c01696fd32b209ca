package io.infrakit.plugins.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GoFloatTest {

    /** Expected texts are what Go's encoding/json (1.8+) writes for a float64 holding the input. */
    @ParameterizedTest
    @CsvSource({
        "1, 1",
        "100, 100",
        "8080, 8080",
        "1.5, 1.5",
        "-2.25, -2.25",
        "0.1, 0.1",
        "0.30000000000000004, 0.30000000000000004",
        "1000000, 1000000",
        "1e20, 100000000000000000000",
        "999999999999999900000, 999999999999999900000",
        "1e21, 1e+21",
        "-1.5e21, -1.5e+21",
        "1.7976931348623157e308, 1.7976931348623157e+308",
        "0.000001, 0.000001",
        "0.0000012345, 0.0000012345",
        "1e-7, 1e-7",
        "9.99e-7, 9.99e-7",
        "1.23e-7, 1.23e-7",
        "1e-10, 1e-10",
        "-3e-100, -3e-100",
        "123456789012345678, 123456789012345680",
        "12345678901234567890, 12345678901234567000",
        "9007199254740993, 9007199254740992",
        "0.5, 0.5",
        "3.141592653589793, 3.141592653589793",
    })
    void formatsLikeGoEncodingJson(double value, String expected) {
        assertThat(GoFloat.format(value)).isEqualTo(expected);
    }

    @Test
    void usesTheShortestDigitsWhereJava17DoesNot() {
        // Java 17's Double.toString gives 4.9E-324 and 1.0E23 style; Go gives the shortest round-tripping digits.
        assertThat(GoFloat.format(Double.MIN_VALUE)).isEqualTo("5e-324");
        assertThat(GoFloat.format(2 * Double.MIN_VALUE)).isEqualTo("1e-323");
        assertThat(GoFloat.format(1e23)).isEqualTo("1e+23");
        assertThat(GoFloat.format(2e-3)).isEqualTo("0.002");
    }

    @Test
    void zeroKeepsItsSign() {
        assertThat(GoFloat.format(0.0)).isEqualTo("0");
        assertThat(GoFloat.format(-0.0)).isEqualTo("-0");
    }

    @Test
    void refusesWhatJsonCannotCarry() {
        assertThatThrownBy(() -> GoFloat.format(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GoFloat.format(Double.POSITIVE_INFINITY)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyFormattedValueReadsBackExactly() {
        java.util.Random random = new java.util.Random(42);
        for (int i = 0; i < 5_000; i++) {
            double d = Double.longBitsToDouble(random.nextLong());
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                continue;
            }
            String text = GoFloat.format(d);
            assertThat(Double.parseDouble(text)).as(text).isEqualTo(d);
            String digits = text.replaceFirst("^-", "").replaceFirst("e.*$", "").replace(".", "")
                    .replaceFirst("^0+", "").replaceFirst("0+$", "");
            assertThat(digits.length()).as(text).isLessThanOrEqualTo(17);
        }
    }
}
