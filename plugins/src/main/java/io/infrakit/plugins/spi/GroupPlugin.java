package io.infrakit.plugins.spi;

import java.util.List;

/**
 * Keeps groups of instances converged to their specs: InfraKit's Group SPI ({@code Group/0.1.0}), as its CLI and
 * manager drive it. Failures are {@link PluginException}s whose message the caller shows as it is, e.g.
 * {@code Group 'web' is not being watched}.
 */
public interface GroupPlugin {

    /**
     * Starts managing the group, or changes it to the new spec.
     *
     * @param pretend only say what would happen
     * @return what the commit does (or would do), in InfraKit's words: {@code Managing 3 instances}, {@code Noop},
     *         {@code Adding 2 instances to increase the group size to 5}, ...
     */
    String commitGroup(GroupSpec spec, boolean pretend);

    /** Stops managing the group; its instances are left as they are. */
    void freeGroup(String id);

    /** The group's instances, and whether it has converged. */
    GroupDescription describeGroup(String id);

    /** Stops managing the group and destroys its instances. */
    void destroyGroup(String id);

    /** The specs of every group being managed. */
    List<GroupSpec> inspectGroups();
}
