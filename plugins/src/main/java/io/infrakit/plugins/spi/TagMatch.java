package io.infrakit.plugins.spi;

import java.util.Map;

/** The tag filter of {@code DescribeInstances}: an instance matches when it carries every filter tag with its value. */
public final class TagMatch {

    private TagMatch() {
    }

    /**
     * True when {@code tags} contains every entry of {@code filter}; an empty or null filter matches everything. A
     * filter value {@code ""} needs the tag to be present (InfraKit's file plugin also let an absent tag match it).
     */
    public static boolean matches(Map<String, String> tags, Map<String, String> filter) {
        if (filter == null || filter.isEmpty()) {
            return true;
        }
        if (tags == null) {
            return false;
        }
        for (Map.Entry<String, String> wanted : filter.entrySet()) {
            String value = tags.get(wanted.getKey());
            if (value == null || !value.equals(wanted.getValue())) {
                return false;
            }
        }
        return true;
    }
}
