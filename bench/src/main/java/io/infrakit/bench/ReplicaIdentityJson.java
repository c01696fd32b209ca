package io.infrakit.bench;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the replica ID out of an election key's value ({@code {"ID":"r1",...}}). */
final class ReplicaIdentityJson {

    private static final Pattern ID = Pattern.compile("\"ID\"\\s*:\\s*\"([^\"]*)\"");

    private ReplicaIdentityJson() {
    }

    static String id(String json) {
        Matcher m = ID.matcher(json);
        if (!m.find()) {
            throw new IllegalArgumentException("no ID in " + json);
        }
        return m.group(1);
    }
}
