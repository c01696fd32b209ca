package io.infrakit.store;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strict UTF-8. Java's decoding of bytes that are not UTF-8 quietly puts U+FFFD in their place, which would let a
 * value be read as text it does not hold; this says where the bytes stop being UTF-8 instead.
 */
public final class Utf8 {

    private Utf8() {
    }

    /**
     * The offset of the first byte that does not belong to a well-formed UTF-8 sequence (overlong forms, encoded
     * surrogates and code points above U+10FFFF are not), or -1 when every byte does.
     */
    public static int firstMalformed(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(Math.min(Math.max(bytes.length, 16), 8192));
        while (true) {
            CoderResult r = decoder.decode(in, out, true);
            if (r.isError()) {
                return in.position();
            }
            if (r.isUnderflow()) {
                return decoder.flush(out).isError() ? in.position() : -1;
            }
            out.clear(); // overflow: the text itself is not wanted
        }
    }
}
