package io.infrakit.operator.sync;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** A valid spec from the source: its group ID, where it was written (file and line) and its content. */
public record DesiredGroup(String id, String path, int line, ObjectNode content) {

    String where() {
        return line > 0 ? path + ":" + line : path;
    }
}
