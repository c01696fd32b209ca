package io.infrakit.plugins.fence;

import io.infrakit.plugins.spi.PluginException;

/** A call refused because a newer leader has already called this plugin. */
public final class StaleTermException extends PluginException {

    private final long term;
    private final long newest;

    public StaleTermException(long term, long newest, String where) {
        super("refused: leader term " + term + " is older than term " + newest + ", the newest " + where
                + " has seen (a newer leader has taken over, or etcd went back to an older revision)");
        this.term = term;
        this.newest = newest;
    }

    /** The caller's term. */
    public long term() {
        return term;
    }

    /** The newest term the plugin had seen. */
    public long newest() {
        return newest;
    }
}
