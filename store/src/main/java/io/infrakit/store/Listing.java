package io.infrakit.store;

import java.util.List;

/** Every key under a prefix, read at one revision: a watch from {@code revision + 1} misses nothing. */
public record Listing(List<KeyValue> kvs, long revision) {

    public Listing {
        kvs = List.copyOf(kvs);
    }
}
