package io.infrakit.plugins.swarm;

import java.util.Locale;

/** Which kind of swarm node a group's instances become: InfraKit's typed sub-plugins {@code manager} and {@code worker}. */
public enum SwarmRole {
    MANAGER, WORKER;

    /** The sub-plugin type on the wire and in scripts and labels: {@code manager} or {@code worker}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
