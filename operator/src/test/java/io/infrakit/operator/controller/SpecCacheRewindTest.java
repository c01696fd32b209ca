package io.infrakit.operator.controller;

import static io.infrakit.operator.controller.OperatorFixture.cattle;
import static org.assertj.core.api.Assertions.assertThat;

import io.infrakit.operator.Keys;
import io.infrakit.store.KeyValue;
import io.infrakit.store.Listing;
import io.infrakit.store.WatchEvent;
import io.infrakit.store.WatchListener;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The spec cache when etcd's revision goes backwards: nothing from the lost history survives the re-listing. */
class SpecCacheRewindTest {

    private final Keys keys = new Keys("/t");
    private final List<String> calls = new ArrayList<>();
    private final SpecCache cache = new SpecCache(keys, id -> { });
    private final WatchListener specs = cache.specListener();
    private final WatchListener free = cache.freeListener();
    private final WatchListener paused = cache.pauseListener();

    SpecCacheRewindTest() {
        cache.onRewind(() -> calls.add("hold"), () -> calls.add("resume"));
    }

    private KeyValue spec(String id, int size, long revision) {
        return new KeyValue(keys.group(id), cattle(id, size, "x"), revision, revision, 1);
    }

    @Test
    void everySpecIsReadAgainAndTombstonesTakeTheNewHistorysRevision() {
        specs.onResync(new Listing(List.of(spec("web", 2, 5), spec("db", 1, 6)), 6));
        free.onResync(new Listing(List.of(), 6));
        paused.onResync(new Listing(List.of(), 6));
        specs.onEvent(new WatchEvent(WatchEvent.Type.DELETE, new KeyValue(keys.group("db"), "", 0, 8, 0)));
        specs.onEvent(new WatchEvent(WatchEvent.Type.PUT, spec("api", 1, 9)));
        specs.onEvent(new WatchEvent(WatchEvent.Type.PUT, spec("web", 4, 10)));

        // Restored to revision 6, then "web" written again: revision 5 again, another spec than before.
        specs.onRevisionBackwards(10, 6);
        assertThat(calls).containsExactly("hold");
        assertThat(cache.isRewinding()).isTrue();
        specs.onResync(new Listing(List.of(spec("web", 3, 5), spec("db", 1, 6)), 6));

        assertThat(cache.get("web").definition().desired()).isEqualTo(3);
        assertThat(cache.get("db").deleted()).as("db, deleted in the lost history, is back").isFalse();
        assertThat(cache.get("api").deleted()).as("api, added in the lost history, is gone").isTrue();
        assertThat(cache.get("api").revision()).isEqualTo(6);
        assertThat(calls).as("resumed only once free and pause markers are re-listed too").containsExactly("hold");

        free.onRevisionBackwards(10, 6);
        free.onResync(new Listing(List.of(), 6));
        paused.onRevisionBackwards(10, 6);
        paused.onResync(new Listing(List.of(), 6));
        assertThat(calls).containsExactly("hold", "resume");
        assertThat(cache.isRewinding()).isFalse();
        assertThat(cache.rewinds()).isEqualTo(1);

        // A spec put for "api" at revision 7 of the new history is not dropped by forgetting the tombstone of 6.
        specs.onEvent(new WatchEvent(WatchEvent.Type.PUT, spec("api", 1, 7)));
        cache.forget("api", 6);
        assertThat(cache.get("api").deleted()).isFalse();
    }
}
