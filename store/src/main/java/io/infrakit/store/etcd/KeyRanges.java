package io.infrakit.store.etcd;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** etcd's key ranges: a prefix is the range from the prefix to its end key. */
final class KeyRanges {

    private KeyRanges() {
    }

    /** The smallest key greater than every key with this prefix ("\0" = end of the key space, as etcd has it). */
    static byte[] prefixEnd(String prefix) {
        byte[] b = prefix.getBytes(StandardCharsets.UTF_8);
        for (int i = b.length - 1; i >= 0; i--) {
            if (b[i] != (byte) 0xff) {
                byte[] end = Arrays.copyOf(b, i + 1);
                end[i]++;
                return end;
            }
        }
        return new byte[] {0};
    }

    /** The range's start key: etcd reads an empty key as "no key", so the whole key space starts at "\0". */
    static byte[] start(String prefix) {
        return (prefix.isEmpty() ? "\0" : prefix).getBytes(StandardCharsets.UTF_8);
    }
}
