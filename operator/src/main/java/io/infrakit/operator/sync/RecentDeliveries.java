package io.infrakit.operator.sync;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The webhook deliveries seen lately, by delivery ID and, for signed ones, by the body signed: a delivery sent again
 * (replayed by whoever captured it, or redelivered by the git host) does nothing. The oldest are forgotten past
 * {@code capacity}; a sync every interval covers whatever a forgotten one could still mean.
 */
final class RecentDeliveries {

    private final Map<String, Boolean> seen;

    RecentDeliveries(int capacity) {
        this.seen = new LinkedHashMap<>(16, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    /**
     * Records the keys of one delivery; false (and nothing recorded) when any of them was seen already.
     */
    synchronized boolean firstTime(List<String> keys) {
        for (String key : keys) {
            if (seen.containsKey(key)) {
                return false;
            }
        }
        keys.forEach(k -> seen.put(k, Boolean.TRUE));
        return true;
    }
}
