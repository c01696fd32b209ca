package io.infrakit.plugins.file;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The files of an instance directory by name, and, for the tag keys that listings ask for ({@code infrakit.group}
 * above all), by tag value: a listing for one group finds its instances without looking at the others. A key is
 * indexed from the first listing that asks for it on; at most {@link #MAX_KEYS} keys are (a filter on keys beyond
 * them is answered by looking at every record, in memory). Not thread-safe: its owner locks.
 */
final class InstanceIndex {

    static final int MAX_KEYS = 8;

    private final Map<String, IndexedFile> files = new HashMap<>();
    /** Tag key to tag value to the names of the files whose record carries that tag. */
    private final Map<String, Map<String, Set<String>>> byTag = new HashMap<>();

    IndexedFile get(String name) {
        return files.get(name);
    }

    Set<String> names() {
        return files.keySet();
    }

    int size() {
        return files.size();
    }

    void put(IndexedFile file) {
        IndexedFile old = files.put(file.name(), file);
        if (old != null && old.listed() != null && sameTags(old, file)) {
            return;
        }
        unlink(old);
        link(file);
    }

    void remove(String name) {
        unlink(files.remove(name));
    }

    /**
     * Files whose record may match the filter: a superset of those that do (all files with a record, when the
     * filter is empty or names none of the keys indexed and no more can be).
     */
    Collection<IndexedFile> candidates(Map<String, String> filter) {
        Set<String> smallest = null;
        boolean narrowed = false;
        if (filter != null) {
            for (Map.Entry<String, String> wanted : filter.entrySet()) {
                Map<String, Set<String>> values = byTag.get(wanted.getKey());
                if (values == null && byTag.size() < MAX_KEYS) {
                    values = indexKey(wanted.getKey());
                }
                if (values != null) {
                    Set<String> names = values.getOrDefault(wanted.getValue(), Set.of());
                    if (!narrowed || names.size() < smallest.size()) {
                        smallest = names;
                        narrowed = true;
                    }
                }
            }
        }
        List<IndexedFile> found = new ArrayList<>();
        if (narrowed) {
            for (String name : smallest) {
                found.add(files.get(name));
            }
            return found;
        }
        for (IndexedFile file : files.values()) {
            if (file.listed() != null) {
                found.add(file);
            }
        }
        return found;
    }

    private Map<String, Set<String>> indexKey(String key) {
        Map<String, Set<String>> values = new HashMap<>();
        byTag.put(key, values);
        for (IndexedFile file : files.values()) {
            String value = tag(file, key);
            if (value != null) {
                values.computeIfAbsent(value, v -> new HashSet<>()).add(file.name());
            }
        }
        return values;
    }

    private void link(IndexedFile file) {
        for (Map.Entry<String, Map<String, Set<String>>> key : byTag.entrySet()) {
            String value = tag(file, key.getKey());
            if (value != null) {
                key.getValue().computeIfAbsent(value, v -> new HashSet<>()).add(file.name());
            }
        }
    }

    private void unlink(IndexedFile file) {
        if (file == null) {
            return;
        }
        for (Map.Entry<String, Map<String, Set<String>>> key : byTag.entrySet()) {
            String value = tag(file, key.getKey());
            if (value != null) {
                Set<String> names = key.getValue().get(value);
                if (names != null && names.remove(file.name()) && names.isEmpty()) {
                    key.getValue().remove(value);
                }
            }
        }
    }

    private boolean sameTags(IndexedFile old, IndexedFile now) {
        for (String key : byTag.keySet()) {
            String a = tag(old, key);
            if (a == null ? tag(now, key) != null : !a.equals(tag(now, key))) {
                return false;
            }
        }
        return true;
    }

    private static String tag(IndexedFile file, String key) {
        if (file == null || file.tags() == null) {
            return null;
        }
        return file.tags().get(key);
    }
}
