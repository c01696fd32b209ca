package io.infrakit.plugins.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads the fields of a JSON object the way Go decodes into a struct, with errors that name the field. Keys match
 * Go's case folding (ASCII letters, plus the Kelvin sign for {@code k} and long s for {@code s}); when several keys
 * match, the last wins; unknown keys are ignored. A {@code null} sets what Go holds by reference (a pointer, a map,
 * a slice: {@link #get}) to nothing, and leaves what it holds by value (a string, a number, a struct:
 * {@link #value}, {@link #string}, {@link #struct}) as the keys before it left it.
 * Errors read like {@code "Properties.Allocation.Size must be a non-negative integer, got string"} and are made by the
 * caller's factory, so each codec throws its own exception type.
 */
public final class ObjectFields {

    private final JsonNode node;
    private final String path;
    private final Function<String, ? extends RuntimeException> errors;
    /** The names asked for, so that {@link KeyAudit} can tell which keys nobody reads. */
    private final Set<String> asked = new HashSet<>();

    private ObjectFields(JsonNode node, String path, Function<String, ? extends RuntimeException> errors) {
        this.node = node;
        this.path = path;
        this.errors = errors;
    }

    /**
     * @param path where this object sits, for messages ({@code ""} for the top)
     * @throws RuntimeException from {@code errors} when {@code node} is not an object
     */
    public static ObjectFields of(JsonNode node, String path, Function<String, ? extends RuntimeException> errors) {
        if (node == null || !node.isObject()) {
            throw errors.apply((path.isEmpty() ? "the document" : path) + " must be a JSON object, got " + kind(node));
        }
        ObjectFields reader = new ObjectFields(node, path, errors);
        KeyAudit.made(reader);
        return reader;
    }

    /**
     * Checks a value that may be absent but otherwise must be an object (an opaque properties blob that Go decodes
     * into a map or struct).
     */
    public static void requireObjectOrAbsent(JsonNode value, String path,
                                             Function<String, ? extends RuntimeException> errors) {
        if (value != null && !value.isNull() && !value.isMissingNode()) {
            of(value, path, errors);
        }
    }

    /** The value of the last key matching {@code name}; null when absent or JSON null. */
    public JsonNode get(String name) {
        asked.add(name);
        JsonNode found = null;
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (foldEquals(name, e.getKey())) {
                found = e.getValue();
            }
        }
        return found == null || found.isNull() ? null : found;
    }

    /**
     * The value of the last key matching {@code name} that is not null: a field Go holds by value, which a JSON
     * {@code null} leaves as it was ({@code {"Plugin":"a","plugin":null}} is {@code "a"}); null when none is.
     */
    public JsonNode value(String name) {
        asked.add(name);
        JsonNode found = null;
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (foldEquals(name, e.getKey()) && !e.getValue().isNull()) {
                found = e.getValue();
            }
        }
        return found;
    }

    /** A string field (held by value: see {@link #value}); null when absent. */
    public String string(String name) {
        JsonNode v = value(name);
        if (v == null) {
            return null;
        }
        if (!v.isTextual()) {
            throw fail(name, "must be a string, got " + kind(v));
        }
        return v.textValue();
    }

    /** A string field, or {@code fallback} when absent or null. */
    public String string(String name, String fallback) {
        String value = string(name);
        return value == null ? fallback : value;
    }

    /** A nested object Go holds by pointer (null sets it to nothing); null when absent. */
    public ObjectFields object(String name) {
        JsonNode v = get(name);
        return v == null ? null : of(v, pathOf(name), errors);
    }

    /** A nested object Go holds by value, a struct (a null leaves it as it was: see {@link #value}). */
    public ObjectFields struct(String name) {
        JsonNode v = value(name);
        return v == null ? null : of(v, pathOf(name), errors);
    }

    /** A list of strings; null when absent. A null element is {@code ""}, as Go leaves it. */
    public List<String> stringList(String name) {
        JsonNode v = get(name);
        if (v == null) {
            return null;
        }
        if (!v.isArray()) {
            throw fail(name, "must be an array of strings, got " + kind(v));
        }
        List<String> list = new ArrayList<>(v.size());
        int i = 0;
        for (JsonNode element : v) {
            if (element.isNull()) {
                list.add("");
            } else if (element.isTextual()) {
                list.add(element.textValue());
            } else {
                throw errors.apply(pathOf(name) + "[" + i + "] must be a string, got " + kind(element));
            }
            i++;
        }
        return Collections.unmodifiableList(list);
    }

    /** A map of strings in document order; null when absent. A null value is {@code ""}, as Go leaves it. */
    public Map<String, String> stringMap(String name) {
        JsonNode v = get(name);
        if (v == null) {
            return null;
        }
        if (!v.isObject()) {
            throw fail(name, "must be an object of strings, got " + kind(v));
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : v.properties()) {
            JsonNode value = e.getValue();
            if (value.isNull()) {
                map.put(e.getKey(), "");
            } else if (value.isTextual()) {
                map.put(e.getKey(), value.textValue());
            } else {
                throw errors.apply(pathOf(name) + "." + e.getKey() + " must be a string, got " + kind(value));
            }
        }
        return Collections.unmodifiableMap(map);
    }

    /**
     * An array of objects, each turned into a value by {@code element}; null when absent. A null element is read as
     * an empty object (Go leaves a struct element at its zero value).
     */
    public <T> List<T> list(String name, Function<ObjectFields, T> element) {
        JsonNode v = get(name);
        if (v == null) {
            return null;
        }
        if (!v.isArray()) {
            throw fail(name, "must be an array of objects, got " + kind(v));
        }
        List<T> list = new ArrayList<>(v.size());
        int i = 0;
        for (JsonNode item : v) {
            String at = pathOf(name) + "[" + i++ + "]";
            list.add(element.apply(of(item.isNull() ? JsonNodeFactory.instance.objectNode() : item, at, errors)));
        }
        return list;
    }

    /** An error about field {@code name}: "{@code <path>.<name> <problem>}". */
    public RuntimeException fail(String name, String problem) {
        return errors.apply(pathOf(name) + " " + problem);
    }

    public String pathOf(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    /** Names that are known though not read here (another reader takes them): not typos to {@link KeyAudit}. */
    public ObjectFields known(String... names) {
        asked.addAll(List.of(names));
        return this;
    }

    Set<String> asked() {
        return asked;
    }

    /** The object itself. */
    public JsonNode node() {
        return node;
    }

    /** A short name for the JSON type of a value, for messages. */
    public static String kind(JsonNode v) {
        if (v == null || v.isMissingNode()) {
            return "nothing";
        }
        return switch (v.getNodeType()) {
            case STRING -> "string";
            case NUMBER -> "number";
            case BOOLEAN -> "boolean";
            case ARRAY -> "array";
            case OBJECT -> "object";
            case NULL -> "null";
            default -> v.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    /**
     * Whether a document key matches an (ASCII) field name under Go's {@code encoding/json} folding. Unlike
     * {@link String#equalsIgnoreCase}, the dotless i does not match {@code I}.
     */
    public static boolean foldEquals(String field, String key) {
        if (field.equals(key)) {
            return true;
        }
        int i = 0;
        int j = 0;
        while (i < field.length() && j < key.length()) {
            int f = fold(field.charAt(i));
            int cp = key.codePointAt(j);
            int k = cp == 0x212A ? 'K' : cp == 0x017F ? 'S' : cp < 0x80 ? fold((char) cp) : cp;
            if (f != k) {
                return false;
            }
            i++;
            j += Character.charCount(cp);
        }
        return i == field.length() && j == key.length();
    }

    private static int fold(char c) {
        return c >= 'a' && c <= 'z' ? c - ('a' - 'A') : c;
    }
}
