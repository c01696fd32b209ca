package io.infrakit.operator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.json.JsonFormatException;
import io.infrakit.plugins.spi.PluginException;
import io.infrakit.plugins.rpc.UnsupportedInterfaceException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** What the commands that talk to one plugin share: their input files, tag filters, and the plugin's errors. */
final class PluginInputs {

    private PluginInputs() {
    }

    /** A file's text, or standard input for {@code -}. */
    static String read(String file) {
        try {
            return file.equals("-") ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
                    : Files.readString(Path.of(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** A file's JSON. */
    static JsonNode json(String file) {
        try {
            return Json.parse(read(file));
        } catch (JsonFormatException e) {
            throw new IllegalArgumentException((file.equals("-") ? "standard input" : file) + " is not JSON: "
                    + e.getMessage(), e);
        }
    }

    /** A file holding one value of {@code type}, its keys matched as Go matches them (any case). */
    static <T> T value(String file, Class<T> type) {
        JsonNode node = json(file);
        try {
            return Json.mapper().treeToValue(node, type);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException(file + " is not an " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    /** InfraKit's tag filters, {@code k=v} or {@code k} (for an empty value); several per argument, comma-separated. */
    static Map<String, String> tags(List<String> args) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (String arg : args == null ? List.<String>of() : args) {
            for (String t : arg.split(",")) {
                if (t.isEmpty()) {
                    continue;
                }
                int eq = t.indexOf('=');
                tags.put(eq < 0 ? t : t.substring(0, eq), eq < 0 ? "" : t.substring(eq + 1));
            }
        }
        return tags;
    }

    /** Calls the plugin; one that does not speak the interface is named in the error. */
    static <T> T call(String plugin, Supplier<T> call) {
        try {
            return call.get();
        } catch (UnsupportedInterfaceException e) {
            throw new PluginException("plugin '" + plugin + "' does not implement it: " + e.getMessage(), e);
        }
    }

    static void run(String plugin, Runnable call) {
        call(plugin, () -> {
            call.run();
            return null;
        });
    }
}
