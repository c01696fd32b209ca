package io.infrakit.store.etcd;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The newest revision one store's watches have seen, and the etcd cluster that served it. etcd's revision only grows,
 * so a lower one (or another cluster ID) means etcd lost history: a member replaced and restored from an older
 * snapshot. Every watch of the store must then drop what it knows and re-list; each such rewind starts a new epoch,
 * and every watch is told.
 *
 * <p>A header alone only raises suspicion (a follower may lag behind the member that answered before); a linearizable
 * listing that is still behind confirms it. What cannot be seen: a restored cluster written past the old revision
 * before any watch reconnects, under the same cluster ID.
 */
final class RevisionWatermark {

    private static final Logger log = LoggerFactory.getLogger(RevisionWatermark.class);

    /** How a listing settled: the epoch after it, and the revision seen before a rewind it revealed. */
    record Settled(long epoch, long seenBefore) {
    }

    /** What was known when a listing began: the epoch and the newest revision seen by then. */
    record Mark(long epoch, long highest) {
    }

    private final String endpoints;
    private final List<LongConsumer> listeners = new CopyOnWriteArrayList<>();
    private long highest;
    private long clusterId;
    private long epoch;
    private long lastRewindFrom;

    RevisionWatermark(String endpoints) {
        this.endpoints = endpoints;
    }

    /** Tells {@code listener} the new epoch after each rewind (on the thread that found it). */
    void onRewind(LongConsumer listener) {
        listeners.add(listener);
    }

    void removeListener(LongConsumer listener) {
        listeners.remove(listener);
    }

    synchronized long epoch() {
        return epoch;
    }

    /** Taken before a listing, for {@link #settle}. */
    synchronized Mark mark() {
        return new Mark(epoch, highest);
    }

    /** A revision delivered by a watch. */
    synchronized void seen(long revision) {
        highest = Math.max(highest, revision);
    }

    /** Whether a response header (revision, cluster ID; 0 when not known) says etcd may have lost history. */
    synchronized boolean suspect(long revision, long cluster) {
        if (revision < highest || clusterChanged(cluster)) {
            return true;
        }
        highest = revision;
        if (cluster != 0) {
            clusterId = cluster;
        }
        return false;
    }

    /**
     * A linearizable listing at {@code revision}, begun at {@code before}: when it is behind the newest revision seen
     * before it began (or comes from another cluster), a new epoch starts and every watch is told. Only what was seen
     * before counts: a linearizable answer is at least as new as anything etcd had answered when it was asked, but
     * other watches may see newer revisions while it is on its way. A rewind some other watch found meanwhile is not
     * counted twice.
     */
    Settled settle(Mark before, long revision, long cluster) {
        long now;
        long from;
        long fromCluster;
        synchronized (this) {
            if (epoch != before.epoch() || (revision >= before.highest() && !clusterChanged(cluster))) {
                highest = Math.max(highest, revision);
                if (cluster != 0) {
                    clusterId = cluster;
                }
                return new Settled(epoch, lastRewindFrom);
            }
            from = highest;
            fromCluster = clusterId;
            lastRewindFrom = from;
            highest = revision;
            if (cluster != 0) {
                clusterId = cluster;
            }
            now = ++epoch;
        }
        log.warn("ETCD REWOUND: etcd at {} is at revision {} of cluster {}, after revision {} of cluster {} was seen "
                + "(restored from a snapshot?): every watch drops what it knows and re-lists", endpoints, revision,
                Long.toHexString(cluster), from, Long.toHexString(fromCluster));
        listeners.forEach(l -> l.accept(now));
        return new Settled(now, from);
    }

    private boolean clusterChanged(long cluster) {
        return cluster != 0 && clusterId != 0 && cluster != clusterId;
    }
}
