package io.infrakit.store;

import java.util.List;

/**
 * Receives a prefix watch. Calls come from one thread at a time, in revision order. Listeners should hand work off
 * quickly (to a queue): a slow listener delays later events.
 */
public interface WatchListener {

    /** One change, in revision order. */
    void onEvent(WatchEvent event);

    /**
     * The watch could not resume from where it was (its revision was compacted, or it is (re)starting): here is the
     * whole prefix as of {@code revision}; events continue after it. Keys missing from the snapshot were deleted.
     */
    void onResync(Listing snapshot);

    /** The connection to etcd broke and the watch is retrying; events will resume (possibly via onResync). */
    default void onDisconnected(Throwable cause) {
    }
}
