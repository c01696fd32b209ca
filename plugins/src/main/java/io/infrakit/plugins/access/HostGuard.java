package io.infrakit.plugins.access;

/**
 * Asked by a plugin just before it reaches out on a spec's behalf (fetches a URL, connects to an engine), where
 * the admission check of the spec could not see: a redirect, a name that resolves to an internal address, a
 * plugin served to callers that skip admission.
 */
@FunctionalInterface
public interface HostGuard {

    /** Lets everything through: a plugin used without a policy. */
    HostGuard NONE = request -> { };

    /**
     * @throws io.infrakit.plugins.spi.PluginException saying which rule refuses it; the plugin then does not reach
     *                                                 out
     */
    void check(HostRequest request);
}
