package io.infrakit.store;

/** A change to one key. For a delete, {@code kv} carries the key and the deleting revision, and an empty value. */
public record WatchEvent(Type type, KeyValue kv) {

    public enum Type { PUT, DELETE }

    public String key() {
        return kv.key();
    }
}
