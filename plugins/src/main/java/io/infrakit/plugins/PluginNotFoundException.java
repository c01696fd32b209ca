package io.infrakit.plugins;

import io.infrakit.plugins.spi.PluginException;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** No plugin of that kind has that name. The message lists the names that do exist. */
public class PluginNotFoundException extends PluginException {

    private final String kind;
    private final String name;
    private final List<String> known;

    /**
     * @param kind "instance" or "flavor"
     * @param name the name looked up (its lookup part)
     * @param known the names that would have been found
     */
    public PluginNotFoundException(String kind, String name, Set<String> known) {
        super(message(kind, name, known));
        this.kind = kind;
        this.name = name;
        this.known = List.copyOf(new TreeSet<>(known));
    }

    private static String message(String kind, String name, Set<String> known) {
        String names = known.isEmpty() ? "none" : String.join(", ", new TreeSet<>(known));
        return kind + " plugin '" + name + "' not found (known " + kind + " plugins: " + names + ")";
    }

    public String kind() {
        return kind;
    }

    public String name() {
        return name;
    }

    /** The names known to the lookup that failed, sorted. */
    public List<String> known() {
        return known;
    }
}
