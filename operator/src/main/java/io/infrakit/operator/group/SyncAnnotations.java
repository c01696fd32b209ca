package io.infrakit.operator.group;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.infrakit.plugins.group.GroupSpecs;
import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.json.ObjectFields;
import io.infrakit.plugins.spi.GroupSpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where sync records a spec's origin: a top-level {@code "Annotations"} object next to ID and Properties, with
 * {@code infrakit.sync/*} entries. The operator reads only ID, Plugin and Properties (and hashes only
 * Properties.Instance and Properties.Flavor), so annotations change neither validation nor the config hash.
 *
 * <p>A spec's <em>content</em> is what sync compares: the canonical envelope ({@link GroupSpecs#toJson}) plus the
 * user's own annotations, without sync's.
 */
public final class SyncAnnotations {

    public static final String FIELD = "Annotations";
    public static final String PREFIX = "infrakit.sync/";
    /** The sync source's name: the key's owner. */
    public static final String SOURCE = PREFIX + "source";
    public static final String REPOSITORY = PREFIX + "repository";
    public static final String COMMIT = PREFIX + "commit";
    public static final String PATH = PREFIX + "path";

    private SyncAnnotations() {
    }

    /**
     * The {@code Annotations} of a spec document (its key matched case-insensitively), sorted; empty when absent.
     *
     * @throws IllegalArgumentException when it is not an object of strings
     */
    public static Map<String, String> read(JsonNode doc) {
        ObjectFields fields = ObjectFields.of(doc, "", IllegalArgumentException::new);
        Map<String, String> out = fields.stringMap(FIELD);
        return out == null ? new TreeMap<>() : new TreeMap<>(out);
    }

    /** The content of a parsed spec with the given user annotations (none of them {@code infrakit.sync/}). */
    public static ObjectNode content(GroupSpec spec, Map<String, String> userAnnotations) {
        ObjectNode out = (ObjectNode) Json.parse(GroupSpecs.toJson(spec));
        if (!userAnnotations.isEmpty()) {
            out.set(FIELD, Json.toTree(new TreeMap<>(userAnnotations)));
        }
        return out;
    }

    /** The value to store: the content with sync's annotations merged into its Annotations. */
    public static String value(ObjectNode content, Map<String, String> syncAnnotations) {
        ObjectNode out = content.deepCopy();
        Map<String, String> all = new TreeMap<>(read(content));
        all.putAll(syncAnnotations);
        out.remove(FIELD);
        out.set(FIELD, Json.toTree(all));
        return Json.write(out);
    }

    /** A stored value without sync's annotations (the user's stay): the group no longer belongs to a source. */
    public static String withoutSync(String value) {
        ObjectNode out = (ObjectNode) Json.parse(value);
        Map<String, String> user = own(read(out), false);
        out.remove(FIELD);
        if (!user.isEmpty()) {
            out.set(FIELD, Json.toTree(user));
        }
        return Json.write(out);
    }

    /** Splits annotations into sync's own ({@code infrakit.sync/*}) and the user's. */
    public static Map<String, String> own(Map<String, String> all, boolean sync) {
        Map<String, String> out = new TreeMap<>();
        all.forEach((k, v) -> {
            if (k.startsWith(PREFIX) == sync) {
                out.put(k, v);
            }
        });
        return out;
    }

    /** A short digest of a content, to notice later that a key was changed by hand. */
    public static String digest(JsonNode content) {
        if (content == null) {
            return "invalid";
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(Json.write(content).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JVM has SHA-256
        }
    }
}
