package io.infrakit.operator.group;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.operator.group.UpdatePolicy;
import io.infrakit.plugins.group.GroupProperties;
import io.infrakit.plugins.group.GroupSpecs;
import io.infrakit.plugins.group.PluginSpec;
import io.infrakit.plugins.group.SpecFormatException;
import io.infrakit.plugins.spi.Allocation;
import io.infrakit.plugins.spi.GroupSpec;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks group specs: structure, InfraKit's rules and ours, without I/O (the plugins' own checks are
 * {@code write.PluginCheck}'s). Messages follow InfraKit's where it has them.
 */
public final class SpecValidator {

    /** Specs above this size are refused: etcd's default request limit is 1.5 MiB and a spec is not a data store. */
    public static final int MAX_SPEC_BYTES = 1 << 20;

    /**
     * Instances one group may ask for unless the operator is told otherwise ({@code infrakit up --max-instances}):
     * a spec asking for more is refused, so a typo of a few zeros costs nothing.
     */
    public static final long DEFAULT_MAX_INSTANCES = 10_000;

    /** A group ID is one etcd key segment and a tag value: printable, no slash, no spaces. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@-]{0,252}");

    private SpecValidator() {
    }

    /**
     * Parses and checks a spec. {@code keyId} is the group ID from the etcd key it was stored under, or null when the
     * spec has no key yet (a CLI commit).
     */
    public static GroupDefinition parse(String keyId, String json, long revision) throws SpecException {
        if (json == null || json.isBlank()) {
            throw new SpecException("Spec is empty");
        }
        checkSize(json.getBytes(StandardCharsets.UTF_8).length);
        GroupSpec spec;
        GroupProperties props;
        try {
            spec = GroupSpecs.parse(json);
        } catch (SpecFormatException e) {
            throw new SpecException(e.getMessage());
        }
        String id = spec.id();
        checkId(keyId, id);
        if (spec.properties() == null || spec.properties().isNull()) {
            throw new SpecException("Invalid properties: Properties must not be blank");
        }
        try {
            props = GroupSpecs.properties(spec);
        } catch (SpecFormatException e) {
            throw new SpecException("Invalid properties: " + e.getMessage());
        }
        checkAllocation(props.allocation(), sizeWritten(spec.properties()));
        checkPlugin("Instance", props.instance());
        checkPlugin("Flavor", props.flavor());
        UpdatePolicy update = UpdatePolicy.parse(props.updating());
        String hash;
        try {
            hash = props.configHash();
        } catch (SpecFormatException e) {
            throw new SpecException("Invalid properties: " + e.getMessage());
        }
        return new GroupDefinition(id, spec, props, hash, revision, update);
    }

    /** A group ID: not blank, usable as a key, and the ID of the key it is stored under ({@code keyId}, if any). */
    public static void checkId(String keyId, String id) throws SpecException {
        if (id == null || id.isBlank()) {
            throw new SpecException("Group ID must not be blank");
        }
        if (!ID.matcher(id).matches()) {
            throw new SpecException("Group ID '" + id + "' cannot be used as a key: use letters, digits and . _ : @ -"
                    + " (no slash or space), starting with a letter or digit, at most 253 characters");
        }
        if (keyId != null && !keyId.equals(id)) {
            throw new SpecException("Spec ID '" + id + "' does not match its key (groups/" + keyId + ")");
        }
    }

    /**
     * Refuses a spec of more than {@link #MAX_SPEC_BYTES}. A stored spec is measured as etcd holds it
     * ({@code KeyValue.valueSize()}): bytes that are not UTF-8 grow when decoded.
     */
    public static void checkSize(int bytes) throws SpecException {
        if (bytes > MAX_SPEC_BYTES) {
            throw new SpecException("Spec is " + bytes + " bytes, over the limit of " + MAX_SPEC_BYTES + " (1 MiB)");
        }
    }

    /**
     * Refuses a spec whose byte at {@code malformedAt} is not UTF-8 (-1: all are): decoding it would put replacement
     * characters in its place, and the group's config hash would then depend on a lossy decoding.
     */
    public static void checkUtf8(int malformedAt) throws SpecException {
        if (malformedAt >= 0) {
            throw new SpecException("Spec is not valid UTF-8 (byte " + malformedAt + " is not): save it as UTF-8;"
                    + " nothing is done with it meanwhile");
        }
    }

    /**
     * Refuses a group that asks for more than {@code maxInstances} instances (its Size, or its logical IDs).
     * Separate from {@link #parse}: what a spec may ask is the operator's setting, and reading a stored spec never
     * depends on it.
     */
    public static void checkCeiling(GroupDefinition group, long maxInstances) throws SpecException {
        if (group.desired() > maxInstances) {
            throw new SpecException("Allocation asks for " + group.desired() + " instances, over the ceiling of "
                    + maxInstances + " per group (infrakit up --max-instances, env INFRAKIT_MAX_INSTANCES)");
        }
    }

    private static void checkAllocation(Allocation allocation, boolean sizeWritten) throws SpecException {
        boolean hasIds = allocation != null && allocation.logicalIds() != null && !allocation.logicalIds().isEmpty();
        long size = allocation == null ? 0 : allocation.size();
        if (size < 0) {
            throw new SpecException("Invalid properties: Allocation.Size must not be negative (got " + size + ")");
        }
        if (size > 0 && hasIds) {
            throw new SpecException("Only one Allocation method may be used");
        }
        // InfraKit refuses Size 0; we accept it when written explicitly, so a group can be scaled to nothing.
        if (!hasIds && size == 0 && !sizeWritten) {
            throw new SpecException("Allocation must not be blank");
        }
        if (hasIds) {
            Set<String> seen = new HashSet<>();
            for (String lid : allocation.logicalIds()) {
                if (lid == null || lid.isBlank()) {
                    throw new SpecException("Invalid properties: Allocation.LogicalIDs must not contain blank IDs");
                }
                if (!seen.add(lid)) {
                    throw new SpecException("Invalid properties: duplicate logical ID '" + lid + "'");
                }
            }
        }
    }

    private static void checkPlugin(String section, PluginSpec plugin) throws SpecException {
        if (plugin == null) {
            throw new SpecException("Invalid properties: " + section + " must not be blank");
        }
        if (plugin.plugin() == null || plugin.plugin().isBlank()) {
            throw new SpecException("Invalid properties: " + section + ".Plugin must name a plugin");
        }
    }

    /** Whether Properties.Allocation.Size is present in the JSON (keys matched case-insensitively). */
    private static boolean sizeWritten(JsonNode properties) {
        JsonNode allocation = field(properties, "Allocation");
        return allocation != null && field(allocation, "Size") != null;
    }

    private static JsonNode field(JsonNode node, String name) {
        if (node == null || !node.isObject()) {
            return null;
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isNull()) {
                return e.getValue();
            }
        }
        return null;
    }
}
