package io.infrakit.operator.cli;

import io.infrakit.store.KeyValue;
import io.infrakit.store.Listing;
import io.infrakit.store.Store;
import io.infrakit.store.WatchEvent;
import io.infrakit.store.WatchListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The CLI's view of a few keys or prefixes, kept current by etcd watches (no polling): {@link #awaitChange} returns
 * when one of them changed, and {@link #value} gives a watched key's latest value. The first change is the initial
 * listing. Closing it stops the watches.
 */
final class KeyWatch implements AutoCloseable {

    private final Map<String, String> values = new ConcurrentHashMap<>();
    private final LinkedBlockingQueue<Boolean> changes = new LinkedBlockingQueue<>();
    private final List<Store.Watch> watches = new ArrayList<>();
    private volatile boolean disconnected;

    private KeyWatch() {
    }

    /** Watches each exact key (a key that is a prefix of others does not see theirs). */
    static KeyWatch keys(Store store, String... keys) {
        KeyWatch w = new KeyWatch();
        for (String key : keys) {
            w.watches.add(store.watch(key, 0, w.listener(key, true)));
        }
        return w;
    }

    /** Watches everything under each prefix. */
    static KeyWatch prefixes(Store store, String... prefixes) {
        KeyWatch w = new KeyWatch();
        for (String prefix : prefixes) {
            w.watches.add(store.watch(prefix, 0, w.listener(prefix, false)));
        }
        return w;
    }

    private WatchListener listener(String watched, boolean exact) {
        return new WatchListener() {
            @Override
            public void onEvent(WatchEvent event) {
                if (exact && !event.key().equals(watched)) {
                    return;
                }
                if (event.type() == WatchEvent.Type.PUT) {
                    values.put(event.key(), event.kv().value());
                } else {
                    values.remove(event.key());
                }
                changed();
            }

            @Override
            public void onResync(Listing snapshot) {
                values.keySet().removeIf(k -> exact ? k.equals(watched) : k.startsWith(watched));
                for (KeyValue kv : snapshot.kvs()) {
                    if (!exact || kv.key().equals(watched)) {
                        values.put(kv.key(), kv.value());
                    }
                }
                changed();
            }

            @Override
            public void onDisconnected(Throwable cause) {
                if (!disconnected) {
                    disconnected = true;
                    System.err.println("warning: lost etcd (" + cause.getMessage() + "); retrying");
                }
            }
        };
    }

    private void changed() {
        disconnected = false;
        changes.offer(Boolean.TRUE);
    }

    /**
     * Waits until something changed, at most {@code timeout}, then lets a burst of changes settle for
     * {@code settle} so that one redraw covers them. Returns false on timeout.
     */
    boolean awaitChange(Duration timeout, Duration settle) throws InterruptedException {
        if (changes.poll(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS) == null) {
            return false;
        }
        if (!settle.isZero()) {
            Thread.sleep(settle.toMillis());
        }
        changes.clear();
        return true;
    }

    /** The latest value of a watched key. */
    Optional<String> value(String key) {
        return Optional.ofNullable(values.get(key));
    }

    @Override
    public void close() {
        watches.forEach(Store.Watch::close);
    }
}
