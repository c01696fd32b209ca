package io.infrakit.store.etcd;

import io.infrakit.store.WatchEvent;
import java.util.List;

/**
 * One way of opening etcd watch streams (jetcd's gRPC stream, the JSON gateway's HTTP stream). A stream is single
 * use: it reports until it fails or is closed; {@link ResumingWatch} opens the next one from its own bookkeeping.
 */
interface WatchStreams {

    /**
     * Opens a stream of the changes under {@code prefix} from {@code fromRevision} (never 0). Returns at once; the
     * stream reports to {@code events} on a thread of its own.
     *
     * @throws RuntimeException when the stream cannot even be asked for (the client is closed)
     */
    Stream open(String prefix, long fromRevision, Events events);

    /** Whether a stream failed because the revision it asked for was compacted. */
    boolean isCompacted(Throwable error);

    /** A running stream. */
    interface Stream {
        /** Stops it; it reports nothing more. */
        void close();
    }

    /** What a stream reports. Each revision's events come in one call. */
    interface Events {
        /**
         * etcd accepted the watch; its answer's header says the revision etcd is at and its cluster ID (0 when not
         * told).
         */
        void created(long revision, long clusterId);

        /** Changes, in revision order (the stream may repeat ones from before its start revision after a retry). */
        void changed(List<WatchEvent> events);

        /** The stream ended; nothing follows. */
        void failed(Throwable error);
    }
}
