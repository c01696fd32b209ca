package io.infrakit.operator.spec;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** A field-level diff of two JSON documents (specs): each changed leaf with its path and both values. */
public final class SpecDiff {

    /** One difference; {@code before} or {@code after} is null when the field was added or removed. */
    public record Change(String path, JsonNode before, JsonNode after) {

        @Override
        public String toString() {
            if (before == null) {
                return "+ " + path + ": " + after;
            }
            if (after == null) {
                return "- " + path + ": " + before;
            }
            return "~ " + path + ": " + before + " → " + after;
        }
    }

    private SpecDiff() {
    }

    public static List<Change> diff(JsonNode before, JsonNode after) {
        List<Change> out = new ArrayList<>();
        walk("", before, after, out);
        return out;
    }

    private static void walk(String path, JsonNode a, JsonNode b, List<Change> out) {
        boolean aMissing = a == null || a.isMissingNode();
        boolean bMissing = b == null || b.isMissingNode();
        if (aMissing && bMissing) {
            return;
        }
        if (aMissing || bMissing) {
            out.add(new Change(path.isEmpty() ? "." : path, aMissing ? null : a, bMissing ? null : b));
            return;
        }
        if (a.isObject() && b.isObject()) {
            Set<String> names = new LinkedHashSet<>();
            a.fieldNames().forEachRemaining(names::add);
            b.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                walk(path.isEmpty() ? name : path + "." + name, a.get(name), b.get(name), out);
            }
        } else if (a.isArray() && b.isArray()) {
            for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
                walk(path + "[" + i + "]", a.get(i), b.get(i), out);
            }
        } else if (!equal(a, b)) {
            out.add(new Change(path.isEmpty() ? "." : path, a, b));
        }
    }

    /** Numbers compare by value (1.0 equals 1), everything else structurally. */
    private static boolean equal(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        return a.equals(b);
    }
}
