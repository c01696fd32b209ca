package io.infrakit.plugins.supervision;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listeners of an instance plugin's {@code onChange}: added and removed from any thread, and told of a change
 * one by one, a failing listener logged and never in the way of the others.
 */
public final class ChangeListeners {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeListeners.class);

    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    /** Adds a listener; closing the handle removes it. */
    public AutoCloseable add(Runnable listener) {
        Objects.requireNonNull(listener, "listener");
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** Runs every listener. */
    public void fire() {
        for (Runnable l : listeners) {
            try {
                l.run();
            } catch (RuntimeException e) {
                LOG.warn("change listener failed", e);
            }
        }
    }

    public void clear() {
        listeners.clear();
    }
}
