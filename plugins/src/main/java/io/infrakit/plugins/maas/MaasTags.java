package io.infrakit.plugins.maas;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * InfraKit's tags as MAAS tags. A MAAS tag is a name (letters, digits, '-' and '_') that machines carry, with a
 * comment; an InfraKit tag is a key and a value, and one key has many values across groups ({@code infrakit.group}
 * is {@code web} here, {@code db} there). So each key and value becomes a tag of its own, named for both, readable
 * in MAAS's UI, with a hash that keeps names of different pairs apart:
 * {@code infrakit-infrakit_group--web-3f2a9c1e}, comment {@code infrakit.group=web}. The comment holds the pair
 * exactly; a tag counts only when its name is the one its comment gives (so no other tag is taken for one).
 */
final class MaasTags {

    static final String PREFIX = "infrakit-";
    private static final int PART = 40;

    /** A key and value of InfraKit's, as the MAAS tag that stands for them. */
    record Tag(String name, String key, String value) {

        String comment() {
            return key + "=" + value;
        }
    }

    private MaasTags() {
    }

    static Tag of(String key, String value) {
        String name = PREFIX + slug(key) + "--" + slug(value) + "-" + hash(key + "=" + value);
        return new Tag(name, key, value);
    }

    /** The pair a MAAS tag stands for, when it is one of ours. */
    static Optional<Tag> decode(String name, String comment) {
        if (name == null || !name.startsWith(PREFIX) || comment == null) {
            return Optional.empty();
        }
        int eq = comment.indexOf('=');
        if (eq <= 0) {
            return Optional.empty();
        }
        Tag tag = of(comment.substring(0, eq), comment.substring(eq + 1));
        return tag.name().equals(name) ? Optional.of(tag) : Optional.empty();
    }

    private static String slug(String text) {
        String s = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "_");
        return s.length() > PART ? s.substring(0, PART) : s;
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
