package io.infrakit.operator.election;

import io.infrakit.store.Compare;
import io.infrakit.store.KeyValue;
import io.infrakit.store.Listing;
import io.infrakit.store.Op;
import io.infrakit.store.Store;
import io.infrakit.store.StoreException;
import io.infrakit.store.Txn;
import io.infrakit.store.WatchEvent;
import io.infrakit.store.WatchListener;
import java.util.Optional;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The era of leader terms, a number kept in one etcd key and raised each time etcd loses history. A term's fencing
 * token is its election key's create revision, which only grows while etcd's revision does: restored from an older
 * snapshot, etcd hands out create revisions that plugins have already seen, and they would refuse every call of the
 * next leader. So the era makes the high bits of the token ({@link #token}): a replica that sees the revision go
 * backwards raises the era above every era it knew, and every term of an older era is given up.
 *
 * <p>Every replica watches the key, so each knows the newest era even when the restore brings back an older value.
 */
final class LeaderEra implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LeaderEra.class);
    /** The bits of a token that hold the create revision (about 10^12 revisions). */
    static final int REVISION_BITS = 40;

    private final Store store;
    private final String key;
    private final LongConsumer onRaised;
    private volatile long known;
    private volatile Store.Watch watch;

    /** @param onRaised told the new era each time it grows (on a watch thread) */
    LeaderEra(Store store, String key, LongConsumer onRaised) {
        this.store = store;
        this.key = key;
        this.onRaised = onRaised;
    }

    /** The token of a term of era {@code era} whose election key was created at {@code createRevision}. */
    static long token(long era, long createRevision) {
        return (era << REVISION_BITS) + createRevision;
    }

    void start() {
        watch = store.watch(key, 0, new WatchListener() {
            private boolean rewound;

            @Override
            public void onEvent(WatchEvent event) {
                if (event.key().equals(key) && event.type() == WatchEvent.Type.PUT) {
                    learn(parse(event.kv()));
                }
            }

            @Override
            public void onRevisionBackwards(long seen, long now) {
                rewound = true;
            }

            @Override
            public void onResync(Listing snapshot) {
                if (rewound) {
                    rewound = false;
                    raiseAbove(known);
                    return;
                }
                snapshot.kvs().stream().filter(kv -> kv.key().equals(key)).findFirst()
                        .ifPresent(kv -> learn(parse(kv)));
            }
        });
    }

    /** The newest era this replica knows. */
    long current() {
        return known;
    }

    /** The era etcd holds now, or the newest known when etcd does not answer. */
    long read() {
        try {
            store.get(key).map(LeaderEra::parse).ifPresent(this::learn);
        } catch (StoreException e) {
            log.debug("reading the leader era: {}", e.getMessage());
        }
        return known;
    }

    /** The era key beside the election's keys ({@code <prefix>/leader/} → {@code <prefix>/leader-era}). */
    static String keyFor(String leaderPrefix) {
        String p = leaderPrefix.endsWith("/") ? leaderPrefix.substring(0, leaderPrefix.length() - 1) : leaderPrefix;
        return p + "-era";
    }

    private void learn(long era) {
        if (era > known) {
            known = era;
            onRaised.accept(era);
        }
    }

    /** Makes the stored era greater than {@code era} (unless another replica already has); retried until done. */
    private void raiseAbove(long era) {
        for (int attempt = 1; attempt <= 10; attempt++) {
            try {
                Optional<KeyValue> now = store.get(key);
                long stored = now.map(LeaderEra::parse).orElse(0L);
                if (stored > era) {
                    learn(stored);
                    return;
                }
                Txn txn = Txn.builder().when(now.isEmpty() ? Compare.absent(key)
                        : Compare.modRevision(key, now.get().modRevision()))
                        .then(Op.put(key, Long.toString(era + 1))).build();
                if (store.commit(txn).succeeded()) {
                    log.warn("leader era raised to {}: etcd lost history, so terms of era {} and older end and "
                            + "plugins fence by the new era", era + 1, era);
                    learn(era + 1);
                    return;
                }
            } catch (StoreException e) {
                log.warn("raising the leader era: {}", e.getMessage());
            }
        }
        log.error("could not raise the leader era above {}: plugins may refuse this leader's calls", era);
    }

    private static long parse(KeyValue kv) {
        try {
            return Math.max(0, Long.parseLong(kv.value().strip()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    @Override
    public void close() {
        Store.Watch w = watch;
        if (w != null) {
            w.close();
        }
    }
}
