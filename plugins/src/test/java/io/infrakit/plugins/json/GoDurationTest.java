package io.infrakit.plugins.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The cases of Go's own {@code time.ParseDuration} tests, with Go's answers and messages. */
class GoDurationTest {

    private static void parses(String text, Duration expected) {
        assertThat(GoDuration.parse(text)).as(text).isEqualTo(expected);
    }

    private static void refuses(String text, String message) {
        assertThatThrownBy(() -> GoDuration.parse(text)).as(text).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @Test
    void simpleSignedAndZero() {
        parses("0", Duration.ZERO);
        parses("-0", Duration.ZERO);
        parses("+0", Duration.ZERO);
        parses("0s", Duration.ZERO);
        parses("5s", Duration.ofSeconds(5));
        parses("30s", Duration.ofSeconds(30));
        parses("1478s", Duration.ofSeconds(1478));
        parses("-5s", Duration.ofSeconds(-5));
        parses("+5s", Duration.ofSeconds(5));
        parses("-0s", Duration.ZERO);
    }

    @Test
    void decimalsAndEveryUnit() {
        parses("5.0s", Duration.ofSeconds(5));
        parses("5.6s", Duration.ofMillis(5600));
        parses("5.s", Duration.ofSeconds(5));
        parses(".5s", Duration.ofMillis(500));
        parses("1.0s", Duration.ofSeconds(1));
        parses("1.00s", Duration.ofSeconds(1));
        parses("1.004s", Duration.ofMillis(1004));
        parses("100.00100s", Duration.ofMillis(100_001));
        parses("10ns", Duration.ofNanos(10));
        parses("11us", Duration.ofNanos(11_000));
        parses("12\u00b5s", Duration.ofNanos(12_000));
        parses("12\u03bcs", Duration.ofNanos(12_000));
        parses("13ms", Duration.ofMillis(13));
        parses("14s", Duration.ofSeconds(14));
        parses("15m", Duration.ofMinutes(15));
        parses("16h", Duration.ofHours(16));
        parses("3h30m", Duration.ofMinutes(210));
        parses("10.5s4m", Duration.ofMinutes(4).plusMillis(10_500));
        parses("-2m3.4s", Duration.ofMinutes(-2).minusMillis(3400));
        parses("1h2m3s4ms5us6ns", Duration.ofHours(1).plusMinutes(2).plusSeconds(3).plusNanos(4_005_006));
        parses("39h9m14.425s", Duration.ofHours(39).plusMinutes(9).plusMillis(14_425));
        parses("52763797000ns", Duration.ofNanos(52_763_797_000L));
        parses("0.3333333333333333333h", Duration.ofNanos(1_200_000_000_000L));
        parses("9007199254740993ns", Duration.ofNanos(9_007_199_254_740_993L));
        parses("9223372036854775807ns", Duration.ofNanos(Long.MAX_VALUE));
        parses("-9223372036854775808ns", Duration.ofNanos(Long.MIN_VALUE));
        parses("0.100000000000000000000h", Duration.ofMinutes(6));
        parses("0.830103483285477580700h", Duration.ofMinutes(49).plusSeconds(48).plusNanos(372_539_827));
    }

    @Test
    void refusesWhatGoRefusesInGosWords() {
        refuses("", "time: invalid duration \"\"");
        refuses("3", "time: missing unit in duration \"3\"");
        refuses("-", "time: invalid duration \"-\"");
        refuses("s", "time: invalid duration \"s\"");
        refuses(".", "time: invalid duration \".\"");
        refuses("-.", "time: invalid duration \"-.\"");
        refuses(".s", "time: invalid duration \".s\"");
        refuses("+.s", "time: invalid duration \"+.s\"");
        refuses("1d", "time: unknown unit \"d\" in duration \"1d\"");
        refuses("1x", "time: unknown unit \"x\" in duration \"1x\"");
        refuses("1.2.3s", "time: missing unit in duration \"1.2.3s\"");
        refuses("--1s", "time: invalid duration \"--1s\"");
        refuses("1 s", "time: unknown unit \" s\" in duration \"1 s\"");
        refuses(" 1s", "time: invalid duration \" 1s\"");
        refuses("9223372036854775808ns", "time: invalid duration \"9223372036854775808ns\"");
        refuses("9223372036854775.808us", "time: invalid duration \"9223372036854775.808us\"");
        refuses("\u0661s", "time: invalid duration \"\u0661s\"");
    }
}
