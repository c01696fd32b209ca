package io.infrakit.plugins.access;

import java.util.Objects;

/**
 * One thing a group's plugin properties ask of the operator's host: a command run here, a host path read or
 * mounted, a container's privileges, a URL fetched or an engine reached from here. Plugins say it in these words
 * so that one policy judges them all.
 *
 * @param kind  what is asked
 * @param value what exactly: the command, path, capability, namespace, URL or address ({@code ""} when the kind
 *              says it all)
 * @param field where in the plugin's properties it is asked, for messages ({@code HostConfig.Binds[0]});
 *              {@code ""} when the plugin itself asks it, whatever its properties
 */
public record HostRequest(Kind kind, String value, String field) {

    /** What a request asks for. */
    public enum Kind {
        /** The instance runs the flavor's init script on this host, as the operator's user. */
        HOST_SCRIPT,
        /** One line of the flavor's init script, as the spec writes it. */
        INIT_LINE,
        /** The flavor makes the init script itself (from its properties or a file): its lines are not in the spec. */
        GENERATED_INIT,
        /** A command line run on this host, as the operator's user. */
        COMMAND,
        /** An environment variable (value: its name) set for the commands run on this host. */
        COMMAND_ENV,
        /** A host file or directory read by the plugin, or mounted read-only into an instance. */
        HOST_PATH_READ,
        /** A host file or directory mounted writable into an instance. */
        HOST_PATH_WRITE,
        /** A container with every privilege of the host's root. */
        PRIVILEGED,
        /** A container in one of the host's namespaces (value: network, pid, ipc, uts, userns, cgroup), or in
         *  another container's ({@code container}). */
        HOST_NAMESPACE,
        /** A Linux capability added to a container (value: its name without {@code CAP_}, or {@code ALL}). */
        CAPABILITY,
        /** A host device given to a container (value: its path). */
        DEVICE,
        /** A security option that loosens a container's confinement (value: the option). */
        SECURITY_OPTION,
        /** A container engine setting not known to be harmless (value: the setting's name). */
        ENGINE_SETTING,
        /** A URL the plugin fetches from this host. */
        FETCH_URL,
        /** A Docker engine the plugin connects to from this host ({@code unix://} or {@code tcp://}). */
        DOCKER_ENGINE,
        /** A host address an instance's port is published on ({@code 0.0.0.0} for all). */
        LISTEN,
        /** The instance can reach the host's loopback services (QEMU's user-mode network). */
        HOST_LOOPBACK
    }

    public HostRequest {
        Objects.requireNonNull(kind, "kind");
        value = value == null ? "" : value;
        field = field == null ? "" : field;
    }

    public static HostRequest of(Kind kind, String value, String field) {
        return new HostRequest(kind, value, field);
    }
}
