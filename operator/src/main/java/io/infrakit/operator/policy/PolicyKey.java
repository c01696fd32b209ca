package io.infrakit.operator.policy;

import io.infrakit.store.KeyValue;
import io.infrakit.store.Listing;
import io.infrakit.store.Store;
import io.infrakit.store.StoreException;
import io.infrakit.store.WatchEvent;
import io.infrakit.store.WatchListener;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policy at {@code <prefix>/policy}, a key only an administrator may write (see docs/security.md), or the
 * fallback while it is absent. A value that is not a valid policy admits nothing until it is fixed: a typo must not
 * open what the policy closed. Read on every {@link #current} until {@link #watch} is called; then kept current by
 * the watch.
 */
public final class PolicyKey implements PolicySource {

    private static final Logger log = LoggerFactory.getLogger(PolicyKey.class);

    private final Store store;
    private final String key;
    private final AdmissionPolicy fallback;
    private volatile AdmissionPolicy watched;

    public PolicyKey(Store store, String key, AdmissionPolicy fallback) {
        this.store = Objects.requireNonNull(store, "store");
        this.key = Objects.requireNonNull(key, "key");
        this.fallback = Objects.requireNonNull(fallback, "fallback");
    }

    public String key() {
        return key;
    }

    /**
     * The policy now: what the watch last saw, or (not watching) what the key holds.
     *
     * @throws StoreException when the key cannot be read (not watching)
     */
    @Override
    public AdmissionPolicy current() {
        AdmissionPolicy w = watched;
        if (w != null) {
            return w;
        }
        try {
            return decode(store.get(key));
        } catch (StoreException e) {
            throw new StoreException("cannot read the spec policy at " + key + " (" + e.getMessage() + "); a role"
                    + " that writes specs needs read access to it (docs/security.md), or give --policy FILE", e);
        }
    }

    /** Whether a watch has delivered the key's value (or its absence). */
    public boolean isSynced() {
        return watched != null;
    }

    /** Follows the key; {@code onChange} runs once it is read and after each change of the policy in force. */
    public Store.Watch watch(Runnable onChange) {
        return store.watch(key, 0, new WatchListener() {
            @Override
            public void onEvent(WatchEvent event) {
                if (event.key().equals(key)) {
                    set(decode(event.type() == WatchEvent.Type.PUT ? Optional.of(event.kv()) : Optional.empty()));
                    onChange.run();
                }
            }

            @Override
            public void onResync(Listing snapshot) {
                set(decode(snapshot.kvs().stream().filter(kv -> kv.key().equals(key)).findFirst()));
                onChange.run(); // the first time too: the watcher may be waiting for the policy to be read
            }
        });
    }

    private void set(AdmissionPolicy policy) {
        watched = policy;
        log.info("spec policy: {}", policy);
    }

    private AdmissionPolicy decode(Optional<KeyValue> kv) {
        if (kv.isEmpty()) {
            return fallback;
        }
        String source = "etcd key " + key + " (revision " + kv.get().modRevision() + ")";
        try {
            return PolicyFile.parse(kv.get().value(), source);
        } catch (IllegalArgumentException e) {
            log.warn("{}", e.getMessage());
            return AdmissionPolicy.broken(source, e.getMessage());
        }
    }
}
