package io.infrakit.plugins.spi;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Immutable tag maps, copied only when they are not immutable already (listing many instances copies nothing). */
final class TagMaps {

    private static final Class<?> IMMUTABLE = Map.of().getClass().getSuperclass();

    private TagMaps() {
    }

    static Map<String, String> immutable(Map<String, String> tags) {
        if (tags == null) {
            return null;
        }
        if (IMMUTABLE.isInstance(tags)) {
            return tags;
        }
        if (!tags.containsValue(null) && !tags.containsKey(null)) {
            return Map.copyOf(tags);
        }
        return Collections.unmodifiableMap(new LinkedHashMap<>(tags)); // Map.copyOf refuses nulls
    }
}
