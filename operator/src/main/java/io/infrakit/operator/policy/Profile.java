package io.infrakit.operator.policy;

import java.util.List;

/**
 * What one rule of a policy allows; each part is a section of the policy file ({@code docs/security.md}).
 *
 * @param plugins           plugin names a spec may use
 * @param commands          commands that may run on the operator's host
 * @param hostPaths         host paths plugins may read, and mount into instances
 * @param containers        what a container may ask of its host
 * @param urls              URLs the operator may fetch for a spec
 * @param dockerEngines     Docker engines the operator may connect to for a spec ({@code unix:///path},
 *                          {@code tcp://host[:port]}, {@code *} for any tcp engine that is not internal)
 * @param listen            host addresses instances may publish ports on ({@code *} for any)
 * @param internalAddresses whether wildcards in {@code urls} and {@code dockerEngines} also match loopback,
 *                          link-local (cloud metadata) and unspecified addresses
 * @param hostLoopback      whether an instance may reach the host's loopback services (QEMU's user network)
 */
record Profile(Plugins plugins, Commands commands, HostPaths hostPaths, Containers containers, Urls urls,
               List<String> dockerEngines, List<String> listen, boolean internalAddresses, boolean hostLoopback) {

    /**
     * Globs on the names a spec gives ({@code swarm/*}); a built-in matches by any of its names. A built-in that does
     * not say what its properties ask of the host matches only a pattern other than {@code *}.
     */
    record Plugins(List<String> instance, List<String> flavor, List<String> group) {
        Plugins {
            instance = List.copyOf(instance);
            flavor = List.copyOf(flavor);
            group = List.copyOf(group);
        }
    }

    /** {@code any}: every command; otherwise only lines matching a pattern ({@code only} empty: none at all). */
    record Commands(boolean any, List<String> only) {
        static final Commands NONE = new Commands(false, List.of());
        static final Commands ANY = new Commands(true, List.of());

        Commands {
            only = List.copyOf(only);
        }

        boolean none() {
            return !any && only.isEmpty();
        }
    }

    /** Directories (and files) by path; a writable one may also be read. */
    record HostPaths(List<String> readOnly, List<String> readWrite) {
        HostPaths {
            readOnly = List.copyOf(readOnly);
            readWrite = List.copyOf(readWrite);
        }
    }

    /** Globs ({@code *} for any) for all but {@code privileged}. */
    record Containers(boolean privileged, List<String> hostNamespaces, List<String> capabilities,
                      List<String> devices, List<String> securityOptions, List<String> settings) {
        Containers {
            hostNamespaces = List.copyOf(hostNamespaces);
            capabilities = List.copyOf(capabilities);
            devices = List.copyOf(devices);
            securityOptions = List.copyOf(securityOptions);
            settings = List.copyOf(settings);
        }
    }

    /** Schemes (lower case) and host patterns (see {@link HostPatterns#host}). */
    record Urls(List<String> schemes, List<String> hosts) {
        Urls {
            schemes = List.copyOf(schemes);
            hosts = List.copyOf(hosts);
        }
    }

    Profile {
        dockerEngines = List.copyOf(dockerEngines);
        listen = List.copyOf(listen);
    }

    /**
     * The built-in default for an operator on a real etcd: any plugin that says what it asks (and any plugin in
     * another process), no commands on this host, no host paths, no privileged or host-namespace containers,
     * http(s) URLs to hosts that are not internal, the local Docker socket only, ports on any address, and no way
     * into the host's loopback.
     */
    static final Profile RESTRICTED = new Profile(new Plugins(List.of("*"), List.of("*"), List.of("*")), Commands.NONE,
            new HostPaths(List.of(), List.of()),
            new Containers(false, List.of(), List.of(), List.of(), List.of(), List.of()),
            new Urls(List.of("https", "http"), List.of("*")), List.of("unix:///var/run/docker.sock"), List.of("*"),
            false, false);
}
