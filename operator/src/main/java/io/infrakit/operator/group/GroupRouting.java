package io.infrakit.operator.group;

import io.infrakit.plugins.group.ConfigHash;
import io.infrakit.plugins.group.GroupSpecs;
import io.infrakit.plugins.group.PluginSpec;
import io.infrakit.plugins.group.SpecFormatException;
import io.infrakit.plugins.spi.GroupSpec;
import io.infrakit.plugins.spi.PluginName;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which group plugin converges a spec. A spec without {@code Plugin}, or naming this operator's own group plugin
 * ({@code group}, or the name its group socket serves), is the controller's; any other name is delegated to that
 * plugin ({@link DelegatedGroup}).
 */
public final class GroupRouting {

    /** InfraKit's name for the group plugin, always this operator's own. */
    public static final String OWN = "group";

    /** Only {@value #OWN} is this operator's own. */
    public static final GroupRouting DEFAULT = new GroupRouting(Set.of(OWN));

    private final Set<String> own;

    private GroupRouting(Set<String> own) {
        this.own = Set.copyOf(own);
    }

    /** {@value #OWN} and the given names (the group socket's) are this operator's own. */
    public static GroupRouting own(String... names) {
        Set<String> all = new TreeSet<>(Arrays.asList(names));
        all.removeIf(n -> n == null || n.isBlank());
        all.add(OWN);
        return new GroupRouting(all);
    }

    /** The names that mean this operator's own group plugin, sorted. */
    public Set<String> ownNames() {
        return new TreeSet<>(own);
    }

    /** Whether the spec names another group plugin. */
    public boolean delegates(GroupSpec spec) {
        String plugin = spec.plugin();
        return plugin != null && !plugin.isBlank() && !own.contains(PluginName.parse(plugin).lookup());
    }

    /**
     * The spec as a delegated group, checked as far as the operator can: size, ID, key. Null when the spec is the
     * controller's own (or not even a JSON object with a string ID and Plugin: {@link SpecValidator} says why).
     *
     * @param keyId the ID of the key the spec is stored under, or null before it is written
     */
    public DelegatedGroup parse(String keyId, String json, long revision) throws SpecException {
        if (json == null) {
            return null;
        }
        GroupSpec spec;
        try {
            spec = GroupSpecs.parse(json);
        } catch (SpecFormatException e) {
            return null;
        }
        if (!delegates(spec)) {
            return null;
        }
        SpecValidator.checkSize(json.getBytes(StandardCharsets.UTF_8).length);
        SpecValidator.checkId(keyId, spec.id());
        String hash;
        try {
            hash = ConfigHash.of(new PluginSpec(spec.plugin(), spec.properties()), null);
        } catch (SpecFormatException e) {
            throw new SpecException("Invalid properties: " + e.getMessage());
        }
        return new DelegatedGroup(spec.id(), spec.plugin(), spec, hash, revision);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GroupRouting r && own.equals(r.own);
    }

    @Override
    public int hashCode() {
        return Objects.hash(own);
    }

    @Override
    public String toString() {
        return "GroupRouting[own " + ownNames() + "]";
    }
}
