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

    /**
     * etcd came back with less history than was seen before (a member restored from an older snapshot): its revision
     * went from {@code seen} back to {@code now}, or its cluster ID changed. Revisions and everything derived from
     * them are void; the next call is {@link #onResync} with the whole prefix as etcd has it now.
     */
    default void onRevisionBackwards(long seen, long now) {
    }

    /** The connection to etcd broke and the watch is retrying; events will resume (possibly via onResync). */
    default void onDisconnected(Throwable cause) {
    }
}
