package io.infrakit.store;

/** One key as etcd holds it. Values are UTF-8 text (every value this project stores is JSON). */
public record KeyValue(String key, String value, long createRevision, long modRevision, long version) {
}
