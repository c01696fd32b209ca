package io.infrakit.plugins.rpc;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** HTTP header fields in arrival order; names compare case-insensitively. */
record HttpHeaders(List<Field> fields) {

    record Field(String name, String value) {
    }

    HttpHeaders {
        fields = List.copyOf(fields);
    }

    static HttpHeaders of(String... namesAndValues) {
        List<Field> list = new ArrayList<>();
        for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
            list.add(new Field(namesAndValues[i], namesAndValues[i + 1]));
        }
        return new HttpHeaders(list);
    }

    /** The first value of the field, or null. */
    String get(String name) {
        for (Field f : fields) {
            if (f.name().equalsIgnoreCase(name)) {
                return f.value();
            }
        }
        return null;
    }

    List<String> all(String name) {
        List<String> values = new ArrayList<>();
        for (Field f : fields) {
            if (f.name().equalsIgnoreCase(name)) {
                values.add(f.value());
            }
        }
        return values;
    }

    /** Whether a comma-separated field (Connection, Transfer-Encoding) lists the token. */
    boolean hasToken(String name, String token) {
        for (String value : all(name)) {
            for (String part : value.split(",")) {
                if (part.trim().toLowerCase(Locale.ROOT).equals(token)) {
                    return true;
                }
            }
        }
        return false;
    }
}
