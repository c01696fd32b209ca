package io.infrakit.operator.group;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.plugins.json.Json;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Field-level differences of two JSON trees: objects are compared key by key, arrays of equal length element by
 * element; anything else that differs is one change at that path.
 */
public final class JsonDiff {

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");

    private JsonDiff() {
    }

    /**
     * The diff from a stored value to a new one: a missing or unparsable stored value counts as absent, so all of
     * the new one is added.
     */
    public static List<FieldChange> values(String stored, String next) {
        return diff(stored == null ? null : parseOrNull(stored), Json.parse(next));
    }

    private static JsonNode parseOrNull(String json) {
        try {
            return Json.parse(json);
        } catch (RuntimeException e) {
            return null;
        }
    }

    public static List<FieldChange> diff(JsonNode live, JsonNode source) {
        List<FieldChange> out = new ArrayList<>();
        walk("", live, source, out);
        return out;
    }

    private static void walk(String path, JsonNode a, JsonNode b, List<FieldChange> out) {
        if (a == null ? b == null : a.equals(b)) {
            return;
        }
        // A whole object added or removed is listed field by field, so a new group reads like its file.
        boolean objects = (a == null || a.isObject()) && (b == null || b.isObject());
        if (objects && (a != null && a.size() > 0 || b != null && b.size() > 0)) {
            Set<String> keys = new LinkedHashSet<>();
            if (a != null) {
                a.fieldNames().forEachRemaining(keys::add);
            }
            if (b != null) {
                b.fieldNames().forEachRemaining(keys::add);
            }
            for (String k : keys) {
                walk(field(path, k), a == null ? null : a.get(k), b == null ? null : b.get(k), out);
            }
        } else if (a != null && b != null && a.isArray() && b.isArray() && a.size() == b.size()) {
            Iterator<JsonNode> x = a.elements();
            Iterator<JsonNode> y = b.elements();
            for (int i = 0; x.hasNext(); i++) {
                walk(path + "[" + i + "]", x.next(), y.next(), out);
            }
        } else {
            out.add(new FieldChange(path.isEmpty() ? "(document)" : path, a, b));
        }
    }

    private static String field(String path, String key) {
        if (PLAIN.matcher(key).matches()) {
            return path.isEmpty() ? key : path + "." + key;
        }
        return path + "[\"" + key.replace("\\", "\\\\").replace("\"", "\\\"") + "\"]";
    }
}
