package io.infrakit.store;

import java.nio.charset.StandardCharsets;

/**
 * One key as etcd holds it. Values are UTF-8 text (every value this project stores is JSON).
 *
 * @param valueSize the value's size in bytes as etcd stores it: bytes that are not UTF-8 decode to replacement
 *                  characters, so the text's own size can be far larger
 */
public record KeyValue(String key, String value, long createRevision, long modRevision, long version,
                       int valueSize) {

    /** A key whose value is exactly its text. */
    public KeyValue(String key, String value, long createRevision, long modRevision, long version) {
        this(key, value, createRevision, modRevision, version,
                value == null ? 0 : value.getBytes(StandardCharsets.UTF_8).length);
    }
}
