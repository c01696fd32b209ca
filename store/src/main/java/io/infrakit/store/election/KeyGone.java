package io.infrakit.store.election;

import io.infrakit.store.Listing;
import io.infrakit.store.WatchEvent;
import io.infrakit.store.WatchListener;

/** Watches one key and runs an action when it is deleted (or found missing after a re-list). */
final class KeyGone implements WatchListener {

    private final String key;
    private final Runnable onGone;

    KeyGone(String key, Runnable onGone) {
        this.key = key;
        this.onGone = onGone;
    }

    @Override
    public void onEvent(WatchEvent event) {
        // The store watches prefixes: "<p>/ab" also matches "<p>/abc", so compare the whole key.
        if (event.type() == WatchEvent.Type.DELETE && event.key().equals(key)) {
            onGone.run();
        }
    }

    @Override
    public void onResync(Listing snapshot) {
        if (snapshot.kvs().stream().noneMatch(kv -> kv.key().equals(key))) {
            onGone.run();
        }
    }
}
