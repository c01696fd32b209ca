package io.infrakit.operator.policy;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.json.ObjectFields;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads a policy document (a file given with {@code --policy}, or the value of {@code <prefix>/policy}):
 * <pre>{@code
 * {"Default": {...a profile...},
 *  "Rules": [{"Name": "lab", "Groups": ["lab-*"], "Prefixes": ["/infrakit"], ...a profile...}]}
 * }</pre>
 * A profile's sections are those of {@link Profile}; what the default leaves out is the built-in default's, and what
 * a rule leaves out is the default's, field by field. Unknown fields are errors, so a misspelt setting never
 * silently means its default.
 */
public final class PolicyFile {

    private static final Set<String> TOP = Set.of("Default", "Rules");
    private static final Set<String> PROFILE = Set.of("Plugins", "Commands", "HostPaths", "Containers", "URLs",
            "DockerEngines", "Listen", "InternalAddresses", "HostLoopback");
    private static final Set<String> RULE = union(PROFILE, Set.of("Name", "Groups", "Prefixes"));
    private static final Set<String> NAMESPACES = Set.of("network", "pid", "ipc", "uts", "userns", "cgroup",
            "container", "*");

    private PolicyFile() {
    }

    /**
     * @param source where it comes from, for messages
     * @throws IllegalArgumentException saying where in the document it is wrong
     */
    public static AdmissionPolicy parse(String json, String source) {
        JsonNode doc;
        try {
            doc = Json.parse(json);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("policy " + source + " is not valid JSON: " + e.getMessage(), e);
        }
        Reader top = new Reader(doc, "", source);
        top.only(TOP);
        Reader d = top.object("Default");
        Profile base = d == null ? Profile.RESTRICTED : profile(d, Profile.RESTRICTED);
        List<AdmissionPolicy.Rule> rules = new ArrayList<>();
        JsonNode list = top.get("Rules");
        if (list != null) {
            if (!list.isArray()) {
                throw top.fail("Rules", "must be a list of rules");
            }
            for (int i = 0; i < list.size(); i++) {
                Reader r = new Reader(list.get(i), "Rules[" + i + "]", source);
                String name = r.string("Name", "Rules[" + i + "]");
                rules.add(new AdmissionPolicy.Rule("\"" + name + "\"", r.strings("Groups", List.of()),
                        r.strings("Prefixes", List.of()), profile(r, base)));
            }
        }
        return new AdmissionPolicy(source, new AdmissionPolicy.Rule("Default", List.of(), List.of(), base), rules,
                null);
    }

    private static Profile profile(Reader r, Profile base) {
        r.only(r.path.isEmpty() || r.path.equals("Default") ? PROFILE : RULE);
        Reader p = r.object("Plugins");
        Profile.Plugins plugins = p == null ? base.plugins() : new Profile.Plugins(
                p.strings("Instance", base.plugins().instance()), p.strings("Flavor", base.plugins().flavor()),
                p.strings("Group", base.plugins().group()));
        if (p != null) {
            p.only(Set.of("Instance", "Flavor", "Group"));
        }
        Reader h = r.object("HostPaths");
        Profile.HostPaths paths = base.hostPaths();
        if (h != null) {
            h.only(Set.of("ReadOnly", "ReadWrite"));
            paths = new Profile.HostPaths(h.paths("ReadOnly", paths.readOnly()),
                    h.paths("ReadWrite", paths.readWrite()));
        }
        return new Profile(plugins, commands(r, base.commands()), paths, containers(r, base.containers()),
                urls(r, base.urls()), r.list("DockerEngines", base.dockerEngines(), PolicyFile::engine),
                r.list("Listen", base.listen(), PolicyFile::address),
                r.bool("InternalAddresses", base.internalAddresses()), r.bool("HostLoopback", base.hostLoopback()));
    }

    private static Profile.Commands commands(Reader r, Profile.Commands base) {
        JsonNode v = r.get("Commands");
        if (v == null) {
            return base;
        }
        if (v.isBoolean()) {
            return v.booleanValue() ? Profile.Commands.ANY : Profile.Commands.NONE;
        }
        return new Profile.Commands(false, r.strings("Commands", List.of()));
    }

    private static Profile.Containers containers(Reader r, Profile.Containers base) {
        Reader c = r.object("Containers");
        if (c == null) {
            return base;
        }
        c.only(Set.of("Privileged", "HostNamespaces", "Capabilities", "Devices", "SecurityOptions", "Settings"));
        return new Profile.Containers(c.bool("Privileged", base.privileged()),
                c.list("HostNamespaces", base.hostNamespaces(), n -> {
                    String v = n.toLowerCase(Locale.ROOT);
                    if (!NAMESPACES.contains(v)) {
                        throw new IllegalArgumentException("is not one of " + String.join(", ", NAMESPACES.stream()
                                .sorted().toList()));
                    }
                    return v;
                }),
                c.list("Capabilities", base.capabilities(), n -> {
                    String v = n.toUpperCase(Locale.ROOT);
                    return v.startsWith("CAP_") ? v.substring(4) : v;
                }),
                c.paths("Devices", base.devices()), c.strings("SecurityOptions", base.securityOptions()),
                c.strings("Settings", base.settings()));
    }

    private static Profile.Urls urls(Reader r, Profile.Urls base) {
        Reader u = r.object("URLs");
        if (u == null) {
            return base;
        }
        u.only(Set.of("Schemes", "Hosts"));
        return new Profile.Urls(u.list("Schemes", base.schemes(), s -> s.toLowerCase(Locale.ROOT)),
                u.list("Hosts", base.hosts(), PolicyFile::hostPattern));
    }

    private static String hostPattern(String p) {
        if (p.contains("/") && !HostPatterns.validBlock(p)) {
            throw new IllegalArgumentException("is not a valid address block (like 10.0.0.0/8)");
        }
        if (p.isBlank() || p.indexOf('*') > 0 || p.indexOf('*') == 0 && !p.equals("*") && !p.startsWith("*.")) {
            throw new IllegalArgumentException("must be *, *.domain, a name, an address or an address block");
        }
        return p.toLowerCase(Locale.ROOT);
    }

    /** {@code *}, {@code unix:///path} (a glob), {@code tcp://host[:port]} with a host pattern. */
    private static String engine(String p) {
        EngineAddress.Pattern parsed = EngineAddress.Pattern.parse(p);
        if (!parsed.host().isEmpty()) {
            hostPattern(parsed.host());
        }
        return p;
    }

    private static String address(String a) {
        if (!a.equals("*") && HostPatterns.literal(a) == null) {
            throw new IllegalArgumentException("must be * or an address");
        }
        return a;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new java.util.HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }

    /** One object of the document, its place in it for messages. */
    private static final class Reader {
        final JsonNode node;
        final String path;
        final String source;

        Reader(JsonNode node, String path, String source) {
            this.path = path;
            this.source = source;
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException("policy " + source + ": " + (path.isEmpty() ? "the document"
                        : path) + " must be an object, got " + ObjectFields.kind(node));
            }
            this.node = node;
        }

        IllegalArgumentException fail(String field, String problem) {
            return new IllegalArgumentException("policy " + source + ": " + at(field) + " " + problem);
        }

        String at(String field) {
            return path.isEmpty() ? field : path + "." + field;
        }

        void only(Set<String> known) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                if (!known.contains(e.getKey())) {
                    throw new IllegalArgumentException("policy " + source + ": unknown field " + at(e.getKey())
                            + " (known: " + String.join(", ", known.stream().sorted().toList()) + ")");
                }
            }
        }

        JsonNode get(String field) {
            JsonNode v = node.get(field);
            return v == null || v.isNull() ? null : v;
        }

        Reader object(String field) {
            JsonNode v = get(field);
            return v == null ? null : new Reader(v, at(field), source);
        }

        boolean bool(String field, boolean fallback) {
            JsonNode v = get(field);
            if (v == null) {
                return fallback;
            }
            if (!v.isBoolean()) {
                throw fail(field, "must be true or false, got " + ObjectFields.kind(v));
            }
            return v.booleanValue();
        }

        String string(String field, String fallback) {
            JsonNode v = get(field);
            if (v == null) {
                return fallback;
            }
            if (!v.isTextual()) {
                throw fail(field, "must be a string, got " + ObjectFields.kind(v));
            }
            return v.textValue();
        }

        List<String> strings(String field, List<String> fallback) {
            return list(field, fallback, Function.identity());
        }

        /** Absolute paths. */
        List<String> paths(String field, List<String> fallback) {
            return list(field, fallback, p -> {
                if (!p.equals("*") && !p.startsWith("/")) {
                    throw new IllegalArgumentException("must be an absolute path");
                }
                return p.equals("*") ? "/" : p;
            });
        }

        /** A list of strings, each checked (and normalised) by {@code check}, which throws to refuse one. */
        List<String> list(String field, List<String> fallback, Function<String, String> check) {
            JsonNode v = get(field);
            if (v == null) {
                return fallback;
            }
            if (!v.isArray()) {
                throw fail(field, "must be a list of strings, got " + ObjectFields.kind(v));
            }
            List<String> out = new ArrayList<>();
            for (int i = 0; i < v.size(); i++) {
                JsonNode item = v.get(i);
                if (!item.isTextual() || item.textValue().isBlank()) {
                    throw fail(field + "[" + i + "]", "must be a non-empty string, got " + ObjectFields.kind(item));
                }
                try {
                    out.add(check.apply(item.textValue().strip()));
                } catch (IllegalArgumentException e) {
                    throw fail(field + "[" + i + "]", "\"" + item.textValue() + "\" " + e.getMessage());
                }
            }
            return out;
        }
    }
}
