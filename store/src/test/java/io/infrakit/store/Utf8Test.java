package io.infrakit.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Where bytes stop being UTF-8, by the standard's rules (as Go's utf8.Valid has them). */
class Utf8Test {

    private static byte[] bytes(int... b) {
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = (byte) b[i];
        }
        return out;
    }

    @Test
    void wellFormedTextHasNoMalformedByte() {
        assertThat(Utf8.firstMalformed(new byte[0])).isEqualTo(-1);
        assertThat(Utf8.firstMalformed("{\"a\":\"é€😀\u2028\"}".getBytes(StandardCharsets.UTF_8))).isEqualTo(-1);
        assertThat(Utf8.firstMalformed("x".repeat(100_000).getBytes(StandardCharsets.UTF_8))).isEqualTo(-1);
    }

    @Test
    void findsTheFirstByteThatIsNot() {
        assertThat(Utf8.firstMalformed(bytes('a', 0xE9, 'b'))).as("Latin-1 é").isEqualTo(1);
        assertThat(Utf8.firstMalformed(bytes('a', 'b', 0x80))).as("a lone continuation byte").isEqualTo(2);
        assertThat(Utf8.firstMalformed(bytes(0xC0, 0x80))).as("an overlong NUL").isZero();
        assertThat(Utf8.firstMalformed(bytes('x', 0xED, 0xA0, 0x80))).as("an encoded surrogate").isEqualTo(1);
        assertThat(Utf8.firstMalformed(bytes(0xF4, 0x90, 0x80, 0x80))).as("above U+10FFFF").isZero();
        assertThat(Utf8.firstMalformed(bytes('o', 'k', 0xE2, 0x82))).as("cut short at the end").isEqualTo(2);
    }
}
