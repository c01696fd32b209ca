package io.infrakit.operator.policy;

import io.infrakit.plugins.access.BuiltinCatalog.Builtin;
import io.infrakit.plugins.access.HostRequest;
import io.infrakit.plugins.access.HostRequest.Kind;
import io.infrakit.plugins.spi.PluginName;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Judges what a spec's plugins ask of the host against one rule's {@link Profile}. Pure: names, addresses and
 * paths are judged as written (a name's resolved addresses are {@link PolicyGuard}'s business).
 */
final class RuleCheck {

    /**
     * Variables that decide which program a command line runs, or what it loads: with a list of allowed commands
     * they would let any command through.
     */
    private static final Pattern PROGRAM_VARIABLES = Pattern.compile("LD_.*|PATH|BASH_ENV|ENV|IFS|SHELLOPTS|PS4"
            + "|GCONV_PATH|HOSTALIASES|LOCALDOMAIN|RES_OPTIONS|NLSPATH|PYTHON.*|PERL5.*|PERLLIB|RUBY.*|NODE_OPTIONS"
            + "|JAVA_TOOL_OPTIONS|_JAVA_OPTIONS|JDK_JAVA_OPTIONS|CLASSPATH|LUA_.*|TCL.*|GIT_.*");

    /**
     * One plugin of a spec.
     *
     * @param section  {@code Instance} or {@code Flavor}
     * @param builtin  the built-in the name finds, if any
     * @param requests what its properties ask (none when the plugin does not say)
     */
    record PluginUse(String section, PluginName name, Optional<Builtin> builtin, List<HostRequest> requests) {
    }

    private RuleCheck() {
    }

    /** Every refusal, in the spec's order; empty when the rule admits the spec. */
    static List<String> refusals(Profile p, PluginUse instance, PluginUse flavor) {
        List<String> out = new ArrayList<>();
        plugin(out, instance, p.plugins().instance());
        plugin(out, flavor, p.plugins().flavor());
        boolean hostScript = instance.requests().stream().anyMatch(r -> r.kind() == Kind.HOST_SCRIPT);
        for (PluginUse use : List.of(instance, flavor)) {
            for (HostRequest r : use.requests()) {
                boolean script = r.kind() == Kind.INIT_LINE || r.kind() == Kind.GENERATED_INIT
                        || r.kind() == Kind.COMMAND_ENV;
                if (script && (!hostScript || p.commands().none())) {
                    continue; // the script runs elsewhere (a container, a VM), or is refused as a whole already
                }
                refusal(p, r).ifPresent(why -> out.add(where(use, r) + ": " + why));
            }
        }
        return out;
    }

    private static String where(PluginUse use, HostRequest r) {
        return r.field().isEmpty() ? use.section() + ".Plugin " + use.name()
                : use.section() + ".Properties." + r.field();
    }

    /**
     * A spec for another group plugin: that plugin, in another process, decides what its properties do, so it is
     * judged by its name only.
     */
    static List<String> refusals(Profile p, PluginName group) {
        List<String> out = new ArrayList<>();
        plugin(out, new PluginUse("Group", group, Optional.empty(), List.of()), p.plugins().group());
        return out;
    }

    /** The plugin's name against the rule's list. */
    private static void plugin(List<String> out, PluginUse use, List<String> allowed) {
        Set<String> names = new TreeSet<>(use.builtin().map(Builtin::names).orElse(Set.of()));
        names.add(use.name().toString());
        boolean undescribed = use.builtin().isPresent() && use.builtin().get().access().isEmpty();
        boolean listed = allowed.stream().filter(p -> !undescribed || !p.equals("*"))
                .anyMatch(p -> names.stream().anyMatch(n -> HostPatterns.glob(p, n)));
        if (!listed) {
            out.add(use.section() + ".Plugin " + use.name() + (undescribed
                    ? ": a built-in plugin that does not say what its properties ask of this host; name it in Plugins."
                    + use.section() + " to allow it" : " is not in Plugins." + use.section()));
        }
    }

    /** Why the rule refuses one request, or empty when it allows it. */
    static Optional<String> refusal(Profile p, HostRequest r) {
        String v = r.value();
        Profile.Containers c = p.containers();
        return Optional.ofNullable(switch (r.kind()) {
            case HOST_SCRIPT -> p.commands().none()
                    ? "runs the flavor's init script on this host as the operator's user (Commands is false)" : null;
            case INIT_LINE, COMMAND -> command(p.commands(), v) ? null
                    : "\"" + v + "\" is not an allowed command (Commands)";
            case GENERATED_INIT -> p.commands().any() ? null : v + " makes the script run on this host itself, so it"
                    + " cannot be checked line by line; only \"Commands\": true allows it";
            case COMMAND_ENV -> p.commands().any() || !PROGRAM_VARIABLES.matcher(v).matches() ? null
                    : v + " changes what the allowed commands run; only \"Commands\": true allows it";
            case HOST_PATH_READ -> readable(p.hostPaths(), v) ? null
                    : "reads host path " + v + " (not under HostPaths)";
            case HOST_PATH_WRITE -> HostPatterns.underAny(p.hostPaths().readWrite(), v) ? null
                    : "mounts host path " + v + " writable (not under HostPaths.ReadWrite)";
            case PRIVILEGED -> c.privileged() ? null : "a privileged container (Containers.Privileged is false)";
            case HOST_NAMESPACE -> HostPatterns.anyGlob(c.hostNamespaces(), v) ? null
                    : (v.equals("container") ? "another container's namespaces" : "the host's " + v + " namespace")
                    + " (not in Containers.HostNamespaces)";
            case CAPABILITY -> HostPatterns.anyGlob(c.capabilities(), v) ? null
                    : "adds capability " + v + " (not in Containers.Capabilities)";
            case DEVICE -> HostPatterns.underAny(c.devices(), v) ? null
                    : "host device " + v + " (not in Containers.Devices)";
            case SECURITY_OPTION -> HostPatterns.anyGlob(c.securityOptions(), v) ? null
                    : "security option " + v + " (not in Containers.SecurityOptions)";
            case ENGINE_SETTING -> HostPatterns.anyGlob(c.settings(), v) ? null
                    : v + ", a setting not known to be harmless (not in Containers.Settings)";
            case FETCH_URL -> url(p, v);
            case DOCKER_ENGINE -> engine(p, v);
            case LISTEN -> p.listen().contains("*") || p.listen().stream().anyMatch(a -> sameAddress(a, v)) ? null
                    : "publishes a port on host address " + v + " (not in Listen)";
            case HOST_LOOPBACK -> p.hostLoopback() ? null
                    : "lets the instance reach this host's loopback services (HostLoopback is false)";
        });
    }

    private static boolean command(Profile.Commands commands, String line) {
        return commands.any() || commands.only().stream().anyMatch(pattern -> HostPatterns.command(pattern, line));
    }

    private static boolean readable(Profile.HostPaths paths, String path) {
        return HostPatterns.underAny(paths.readOnly(), path) || HostPatterns.underAny(paths.readWrite(), path);
    }

    private static boolean sameAddress(String a, String b) {
        InetAddress address = HostPatterns.literal(a);
        return a.equals(b) || address != null && address.equals(HostPatterns.literal(b));
    }

    /** A URL fetched here: its scheme, then its file's path or its host. */
    private static String url(Profile p, String url) {
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            return url + " is not a URL the policy can check (" + e.getReason() + ")";
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!p.urls().schemes().contains(scheme)) {
            return url + ": scheme " + (scheme.isEmpty() ? "(none)" : scheme + ":") + " is not in URLs.Schemes";
        }
        if (scheme.equals("file")) {
            String host = uri.getHost() == null ? "" : uri.getHost();
            if (uri.getPath() == null || !(host.isEmpty() || host.equals("localhost"))) {
                return url + " is not a file on this host";
            }
            return readable(p.hostPaths(), uri.getPath()) ? null
                    : url + " reads host path " + uri.getPath() + " (not under HostPaths)";
        }
        if (uri.getHost() == null) {
            return url + " names no host the policy can check";
        }
        return hostRefusal(url, uri.getHost(), p.urls().hosts(), "URLs.Hosts", p.internalAddresses());
    }

    /** A Docker engine reached from here; an empty one is the operator's own, which is always allowed. */
    private static String engine(Profile p, String host) {
        if (host.isBlank()) {
            return null;
        }
        EngineAddress a;
        try {
            a = EngineAddress.parse(host);
        } catch (IllegalArgumentException e) {
            return "the Docker engine at " + host + " " + e.getMessage();
        }
        boolean allowed = p.dockerEngines().stream()
                .anyMatch(pattern -> EngineAddress.Pattern.parse(pattern).matches(a, p.internalAddresses()));
        if (allowed) {
            return null;
        }
        return "the Docker engine at " + host + (a.socket() || !HostPatterns.internal(a.host()) ? ""
                : " (an internal address; InternalAddresses is false)") + " is not in DockerEngines";
    }

    private static String hostRefusal(String what, String host, List<String> patterns, String setting,
                                      boolean internalAllowed) {
        if (HostPatterns.anyHost(patterns, host, internalAllowed)) {
            return null;
        }
        if (HostPatterns.internal(host) && HostPatterns.anyHost(patterns, host, true)) {
            return what + ": " + HostPatterns.bareHost(host) + " is an internal address (loopback, link-local or"
                    + " cloud metadata) and InternalAddresses is false";
        }
        return what + ": host " + HostPatterns.bareHost(host) + " is not in " + setting;
    }
}
