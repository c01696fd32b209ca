package io.infrakit.plugins.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Finds the keys of a document that its reader never asked for: typos such as {@code Sise} for {@code Size}, which
 * Go's decoder, and so InfraKit, ignores without a word. Runs a parse and watches the {@link ObjectFields} it makes
 * on this thread; a key is unknown when no reader of its object asked for a name it matches. Subtrees a reader takes
 * whole ({@link ObjectFields#get}) are not looked into.
 */
public final class KeyAudit {

    /** One unknown key: where it is, and the known name it most resembles (null when none is close). */
    public record UnknownKey(String path, String suggestion) {

        /** The same key inside a larger document: {@code prefix} is the path of what was audited. */
        public UnknownKey under(String prefix) {
            return new UnknownKey(prefix + path, suggestion);
        }

        @Override
        public String toString() {
            return path + (suggestion == null ? "" : " (did you mean " + suggestion + "?)");
        }
    }

    private static final ThreadLocal<List<ObjectFields>> READERS = new ThreadLocal<>();

    private KeyAudit() {
    }

    /**
     * The unknown keys of what {@code parse} reads, in document order. A parse that fails finds nothing: the
     * failure is the caller's error to report.
     */
    public static List<UnknownKey> of(Runnable parse) {
        List<ObjectFields> outer = READERS.get();
        List<ObjectFields> readers = new ArrayList<>();
        READERS.set(readers);
        try {
            parse.run();
        } catch (RuntimeException e) {
            return List.of();
        } finally {
            if (outer == null) {
                READERS.remove();
            } else {
                READERS.set(outer);
            }
        }
        // Several readers may read one object (two passes over the same properties): what any asked is known.
        Map<JsonNode, List<ObjectFields>> byObject = new IdentityHashMap<>();
        List<JsonNode> order = new ArrayList<>();
        for (ObjectFields f : readers) {
            byObject.computeIfAbsent(f.node(), n -> {
                order.add(n);
                return new ArrayList<>();
            }).add(f);
        }
        List<UnknownKey> out = new ArrayList<>();
        for (JsonNode node : order) {
            List<ObjectFields> same = byObject.get(node);
            Set<String> asked = new LinkedHashSet<>();
            same.forEach(f -> asked.addAll(f.asked()));
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                if (asked.stream().noneMatch(name -> ObjectFields.foldEquals(name, e.getKey()))) {
                    out.add(new UnknownKey(same.get(0).pathOf(e.getKey()), closest(e.getKey(), asked)));
                }
            }
        }
        return out;
    }

    /** Called by each reader as it is made. */
    static void made(ObjectFields reader) {
        List<ObjectFields> readers = READERS.get();
        if (readers != null) {
            readers.add(reader);
        }
    }

    /** The known name nearest to {@code key} in edits (ignoring case), if near enough to be a typo. */
    static String closest(String key, Set<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        String k = key.toLowerCase(Locale.ROOT);
        for (String name : known) {
            int d = distance(k, name.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = name;
                bestDistance = d;
            }
        }
        return best != null && bestDistance <= Math.max(1, Math.min(3, best.length() / 3)) ? best : null;
    }

    /** Levenshtein distance. */
    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int same = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + same);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
