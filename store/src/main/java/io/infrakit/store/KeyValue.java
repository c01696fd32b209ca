package io.infrakit.store;

import java.nio.charset.StandardCharsets;

/**
 * One key as etcd holds it. Values are UTF-8 text (every value this project stores is JSON).
 *
 * @param valueSize      the value's size in bytes as etcd stores it: bytes that are not UTF-8 decode to replacement
 *                       characters, so the text's own size can be far larger
 * @param malformedUtf8  the offset of the value's first byte that is not UTF-8, or -1 when the value is UTF-8 text
 *                       (when it is not, {@code value} holds replacement characters and must not be trusted)
 */
public record KeyValue(String key, String value, long createRevision, long modRevision, long version,
                       int valueSize, int malformedUtf8) {

    /** A key whose value is exactly its text. */
    public KeyValue(String key, String value, long createRevision, long modRevision, long version) {
        this(key, value, createRevision, modRevision, version,
                value == null ? 0 : value.getBytes(StandardCharsets.UTF_8).length, -1);
    }

    /** Whether the value is UTF-8 text, so {@code value} is exactly what etcd holds. */
    public boolean isText() {
        return malformedUtf8 < 0;
    }
}
