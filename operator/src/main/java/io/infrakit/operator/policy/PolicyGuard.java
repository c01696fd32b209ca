package io.infrakit.operator.policy;

import io.infrakit.plugins.access.HostGuard;
import io.infrakit.plugins.access.HostRequest;
import io.infrakit.plugins.spi.PluginException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The policy as the plugins ask it just before they fetch a URL or connect to an engine: the request as written
 * (a redirect's target too), and then what a host name resolves to, so a name that points at a loopback, link-local
 * or metadata address is refused like the address itself. A plugin does not know the group it works for at that
 * point, so a request passes when any rule of the policy allows it; the group's own rule was applied before the
 * plugin was called ({@link Admission}).
 */
public final class PolicyGuard implements HostGuard {

    /** Resolves a host name; tests give their own. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final PolicySource source;
    private final Resolver resolver;

    public PolicyGuard(PolicySource source) {
        this(source, InetAddress::getAllByName);
    }

    public PolicyGuard(PolicySource source, Resolver resolver) {
        this.source = Objects.requireNonNull(source, "source");
        this.resolver = Objects.requireNonNull(resolver, "resolver");
    }

    @Override
    public void check(HostRequest request) {
        AdmissionPolicy policy = source.current();
        if (!policy.enforcing()) {
            return;
        }
        if (policy.broken() != null) {
            throw new PluginException(request.field() + ": refused: the spec policy " + policy.source()
                    + " cannot be used (" + policy.broken() + ")");
        }
        String first = null;
        for (AdmissionPolicy.Rule rule : policy.all()) {
            Optional<String> why = RuleCheck.refusal(rule.profile(), request)
                    .or(() -> resolved(rule.profile(), request));
            if (why.isEmpty()) {
                return;
            }
            first = first == null ? why.get() : first;
        }
        throw new PluginException(request.field() + ": refused by the spec policy (" + policy.source() + "): "
                + first);
    }

    /** A name (not an address) that no pattern names exactly must not resolve to an internal address. */
    private Optional<String> resolved(Profile p, HostRequest r) {
        if (p.internalAddresses()) {
            return Optional.empty();
        }
        String host;
        List<String> patterns;
        if (r.kind() == HostRequest.Kind.FETCH_URL) {
            host = urlHost(r.value());
            patterns = p.urls().hosts();
        } else if (r.kind() == HostRequest.Kind.DOCKER_ENGINE && !r.value().isBlank()) {
            EngineAddress a = EngineAddress.parse(r.value());
            host = a.socket() ? null : a.host();
            patterns = p.dockerEngines().stream().map(EngineAddress.Pattern::parse).map(EngineAddress.Pattern::host)
                    .toList();
        } else {
            return Optional.empty();
        }
        if (host == null || HostPatterns.literal(host) != null || patterns.stream()
                .filter(pattern -> !pattern.startsWith("*")).anyMatch(pattern -> HostPatterns.host(pattern, host,
                        false))) {
            return Optional.empty();
        }
        try {
            for (InetAddress a : resolver.resolve(HostPatterns.bareHost(host))) {
                if (HostPatterns.internal(a)) {
                    return Optional.of(r.value() + ": " + host + " resolves to " + a.getHostAddress() + ", an internal"
                            + " address (loopback, link-local or cloud metadata), and InternalAddresses is false");
                }
            }
        } catch (UnknownHostException e) {
            return Optional.empty(); // nothing to connect to: the plugin's own call fails and says so
        }
        return Optional.empty();
    }

    private static String urlHost(String url) {
        try {
            URI uri = new URI(url.strip());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return scheme.equals("file") ? null : uri.getHost();
        } catch (URISyntaxException e) {
            return null;
        }
    }
}
