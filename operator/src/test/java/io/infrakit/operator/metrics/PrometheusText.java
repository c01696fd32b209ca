package io.infrakit.operator.metrics;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalDouble;

/** Reads sample values out of Prometheus text exposition, whatever the label order. */
public record PrometheusText(String text) {

    /** The value of the one sample with this name and exactly these labels. */
    public OptionalDouble value(String name, Map<String, String> labels) {
        for (String line : text.split("\n")) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.lastIndexOf(' ');
            String metric = brace >= 0 ? line.substring(0, brace) : line.substring(0, space);
            if (!metric.equals(name)) {
                continue;
            }
            Map<String, String> found = new HashMap<>();
            if (brace >= 0) {
                String inner = line.substring(brace + 1, line.lastIndexOf('}'));
                for (String pair : inner.split(",")) {
                    if (pair.isBlank()) {
                        continue;
                    }
                    int eq = pair.indexOf('=');
                    found.put(pair.substring(0, eq), pair.substring(eq + 2, pair.length() - 1));
                }
            }
            if (found.equals(labels)) {
                return OptionalDouble.of(Double.parseDouble(line.substring(space + 1)));
            }
        }
        return OptionalDouble.empty();
    }

    public double require(String name, Map<String, String> labels) {
        return value(name, labels).orElseThrow(() -> new AssertionError(
                "no sample " + name + labels + " in:\n" + text));
    }

    public boolean has(String name) {
        return text.lines().anyMatch(l -> l.startsWith(name + "{") || l.startsWith(name + " "));
    }
}
