package io.infrakit.operator.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.infrakit.plugins.json.Json;
import picocli.CommandLine.Option;

/** {@code -o json} for scripts; lines for people otherwise. */
public final class OutputOptions {

    enum Format { text, json }

    @Option(names = {"-o", "--output"}, defaultValue = "text", paramLabel = "FORMAT",
            description = "Output format: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
    Format format;

    public boolean json() {
        return format == Format.json;
    }

    /** Prints JSON: indented, or on one line (one document per line, for a stream of them). */
    public static void printJson(Object value, boolean oneLine) {
        System.out.println(oneLine ? Json.write(value) : toJson(value));
    }

    public static String toJson(Object value) {
        try {
            return Json.mapper().copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
