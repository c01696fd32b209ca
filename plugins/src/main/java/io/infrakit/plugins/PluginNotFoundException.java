package io.infrakit.plugins;

import io.infrakit.plugins.spi.PluginException;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * No plugin of that kind has that name. The message lists the names that do exist and, for lookups that search
 * places (a plugin directory), where they searched.
 */
public class PluginNotFoundException extends PluginException {

    private final String kind;
    private final String name;
    private final List<String> known;
    private final List<String> searched;

    /**
     * @param kind "instance", "flavor" or "group"
     * @param name the name looked up (its lookup part)
     * @param known the names that would have been found
     */
    public PluginNotFoundException(String kind, String name, Set<String> known) {
        this(kind, name, known, List.of());
    }

    /**
     * @param searched where the lookup looked (e.g. a plugin directory), named in the message; may be empty
     */
    public PluginNotFoundException(String kind, String name, Set<String> known, List<String> searched) {
        super(message(kind, name, known, searched));
        this.kind = kind;
        this.name = name;
        this.known = List.copyOf(new TreeSet<>(known));
        this.searched = List.copyOf(searched);
    }

    private static String message(String kind, String name, Set<String> known, List<String> searched) {
        String names = known.isEmpty() ? "none" : String.join(", ", new TreeSet<>(known));
        String where = searched.isEmpty() ? "" : " in " + String.join(", ", searched);
        return kind + " plugin '" + name + "' not found" + where + " (known " + kind + " plugins: " + names + ")";
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

    /** Where the lookup searched, in order; empty for lookups that have no place (built-ins). */
    public List<String> searched() {
        return searched;
    }
}
