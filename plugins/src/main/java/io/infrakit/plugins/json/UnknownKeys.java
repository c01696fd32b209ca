package io.infrakit.plugins.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Keys of a JSON document that nothing reads: Go's decoder ignores them, and so do we, but a user who wrote
 * {@code "Sise"} for {@code "Size"} wants to hear of it. Each is reported as its path, with the known key it is
 * most likely a typo of: {@code Properties.Allocation.Sise (did you mean Size?)}.
 */
public final class UnknownKeys {

    private UnknownKeys() {
    }

    /**
     * The keys of {@code object} that match none of {@code known} (under Go's case folding); empty when it is not an
     * object.
     *
     * @param path where the object sits ({@code ""} for the top)
     */
    public static List<String> of(JsonNode object, String path, Collection<String> known) {
        List<String> out = new ArrayList<>();
        if (object == null || !object.isObject()) {
            return out;
        }
        for (Map.Entry<String, JsonNode> e : object.properties()) {
            String key = e.getKey();
            if (known.stream().noneMatch(name -> ObjectFields.foldEquals(name, key))) {
                out.add(describe(path.isEmpty() ? key : path + "." + key, key, known));
            }
        }
        return out;
    }

    /**
     * The keys that a decoder left unread: {@code decode} reads {@code properties} through {@link ObjectFields}, and
     * every object it opened that way is checked against the fields it asked for. Maps with free keys (tags) are
     * read whole, so their keys are never unknown. A decoder that fails has read only part: then nothing is
     * reported (its error says what is wrong).
     */
    public static List<String> read(JsonNode properties, Consumer<JsonNode> decode) {
        List<ObjectFields> opened = ObjectFields.track(() -> decode.accept(properties));
        List<String> out = new ArrayList<>();
        if (opened == null) {
            return out;
        }
        for (ObjectFields f : opened) {
            out.addAll(of(f.node(), f.path(), f.asked()));
        }
        return out;
    }

    private static String describe(String path, String key, Collection<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        String folded = key.toUpperCase(Locale.ROOT);
        for (String name : known) {
            int d = distance(folded, name.toUpperCase(Locale.ROOT));
            if (d < bestDistance) {
                best = name;
                bestDistance = d;
            }
        }
        // One edit in a short word, two in a longer one: closer than that is a different word, not a typo.
        boolean near = best != null && bestDistance <= Math.min(2, Math.max(1, key.length() / 4));
        return near ? path + " (did you mean " + best + "?)" : path;
    }

    /** Edits from one word to the other: insert, delete, replace a letter, or swap two side by side. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(d[i - 1][j - 1] + cost, Math.min(d[i - 1][j], d[i][j - 1]) + 1);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
