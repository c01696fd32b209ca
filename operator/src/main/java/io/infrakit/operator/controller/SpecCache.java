package io.infrakit.operator.controller;

import io.infrakit.operator.Keys;
import io.infrakit.operator.group.DelegatedGroup;
import io.infrakit.operator.group.GroupDefinition;
import io.infrakit.operator.group.GroupRouting;
import io.infrakit.operator.group.SpecException;
import io.infrakit.operator.group.SpecValidator;
import io.infrakit.store.KeyValue;
import io.infrakit.store.Listing;
import io.infrakit.store.WatchEvent;
import io.infrakit.store.WatchListener;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the spec keys say, kept current by watches (specs, free markers, pause markers). Specs are parsed once per
 * revision here, so a reconcile only reads memory. A deleted spec stays as a tombstone, with its last valid
 * definition, until the controller has destroyed its instances and calls {@link #forget}. A spec naming another
 * group plugin ({@link GroupRouting}) is kept as a {@link DelegatedGroup}.
 *
 * <p>When etcd's revision goes backwards (restored from an older snapshot), nothing here can be trusted: the
 * {@linkplain #onRewind hold} hook runs at once, every spec and marker is replaced by what etcd now lists, and the
 * resume hook runs once all three watches have re-listed.
 */
public final class SpecCache {

    private static final Logger log = LoggerFactory.getLogger(SpecCache.class);
    private static final String SPECS = "specs";
    private static final String FREE = "free";
    private static final String PAUSED = "paused";

    /**
     * The state of one group's spec key. {@code definition} is null when the spec is invalid, deleted or delegated.
     * {@code delegated} is the spec when it names another group plugin; a tombstone keeps the last one.
     */
    public record Entry(String id, long revision, GroupDefinition definition, String error,
                        GroupDefinition lastValid, boolean deleted, DelegatedGroup delegated) {
    }

    private final Keys keys;
    private final GroupRouting routing;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final Map<String, String> free = new ConcurrentHashMap<>();
    private final Map<String, String> paused = new ConcurrentHashMap<>();
    private final Consumer<String> onChange;
    private final long maxInstances;
    private final Set<String> ignored = ConcurrentHashMap.newKeySet();
    private volatile boolean specsSynced;
    private volatile boolean freeSynced;
    private volatile boolean pausedSynced;
    private final AtomicLong rewinds = new AtomicLong();
    /** The watches yet to re-list after a rewind (empty: none under way). */
    private final Set<String> relisting = new HashSet<>();
    private volatile boolean specsRewound;
    private volatile Runnable hold = () -> { };
    private volatile Runnable resume = () -> { };
    private volatile Runnable synced = () -> { };

    public SpecCache(Keys keys, Consumer<String> onChange) {
        this(keys, GroupRouting.DEFAULT, onChange);
    }

    public SpecCache(Keys keys, GroupRouting routing, Consumer<String> onChange) {
        this(keys, routing, onChange, SpecValidator.DEFAULT_MAX_INSTANCES);
    }

    /** @param maxInstances the most instances a group may ask for: a spec asking more is an error, untouched */
    public SpecCache(Keys keys, GroupRouting routing, Consumer<String> onChange, long maxInstances) {
        this.keys = keys;
        this.routing = routing;
        this.onChange = onChange;
        this.maxInstances = maxInstances;
    }

    public Entry get(String id) {
        return entries.get(id);
    }

    public boolean isFree(String id) {
        return free.containsKey(id);
    }

    /** The pause marker's value (why the group's update is paused), or null when it is not paused. */
    public String pause(String id) {
        return paused.get(id);
    }

    public Set<String> ids() {
        Set<String> all = new HashSet<>(entries.keySet());
        all.addAll(free.keySet());
        return all;
    }

    /** Both watches have delivered their first snapshot. */
    public boolean isSynced() {
        return specsSynced && freeSynced && pausedSynced;
    }

    /** {@code onSynced} runs (on a watch thread) each time a first or renewed listing leaves the cache synced. */
    public void onSynced(Runnable onSynced) {
        this.synced = onSynced;
    }

    private void checkSynced() {
        if (isSynced()) {
            synced.run();
        }
    }

    /**
     * @param onHold   runs (on a watch thread) the moment etcd is found rewound: act on nothing until resumed
     * @param onResume runs once specs, free and pause markers are all re-listed from the rewound etcd
     */
    public void onRewind(Runnable onHold, Runnable onResume) {
        this.hold = onHold;
        this.resume = onResume;
    }

    /** How many times etcd's revision went backwards under this cache (metrics). */
    public long rewinds() {
        return rewinds.get();
    }

    /** Whether a rewind is being re-listed: the cache is not to be acted on yet. */
    public synchronized boolean isRewinding() {
        return !relisting.isEmpty();
    }

    private void rewinding(long seen, long now) {
        synchronized (this) {
            if (!relisting.isEmpty()) {
                return;
            }
            relisting.addAll(Set.of(SPECS, FREE, PAUSED));
        }
        rewinds.incrementAndGet();
        log.warn("etcd's revision went back from {} to {}: acting on no group until specs and markers are re-listed",
                seen, now);
        hold.run();
    }

    private void relisted(String watch) {
        boolean done;
        synchronized (this) {
            done = relisting.remove(watch) && relisting.isEmpty();
        }
        if (done) {
            log.info("specs and markers re-listed after etcd's revision went back");
            resume.run();
        }
    }

    /** Drops a deleted group once its instances are gone; a spec put since then is kept. */
    public void forget(String id, long revision) {
        entries.computeIfPresent(id, (k, e) -> e.deleted() && e.revision() <= revision ? null : e);
    }

    public WatchListener specListener() {
        return new WatchListener() {
            @Override
            public void onEvent(WatchEvent event) {
                String id = Keys.idUnder(keys.groups(), event.key());
                if (id == null) {
                    ignore(event.key(), event.type() == WatchEvent.Type.PUT);
                    return;
                }
                if (event.type() == WatchEvent.Type.PUT) {
                    put(id, event.kv());
                } else {
                    delete(id, event.kv().modRevision());
                }
                onChange.accept(id);
            }

            @Override
            public void onRevisionBackwards(long seen, long now) {
                specsRewound = true;
                rewinding(seen, now);
            }

            @Override
            public void onResync(Listing snapshot) {
                // After a rewind, equal revision numbers no longer mean equal specs: every entry is read anew.
                boolean rewound = specsRewound;
                specsRewound = false;
                Set<String> present = new HashSet<>();
                Set<String> ignoredNow = new HashSet<>();
                for (KeyValue kv : snapshot.kvs()) {
                    String id = Keys.idUnder(keys.groups(), kv.key());
                    if (id == null) {
                        ignoredNow.add(kv.key());
                        ignore(kv.key(), true);
                    } else {
                        present.add(id);
                        Entry old = entries.get(id);
                        if (rewound || old == null || old.revision() != kv.modRevision() || old.deleted()) {
                            put(id, kv);
                        }
                    }
                }
                for (Entry e : entries.values()) {
                    // A tombstone kept from before a rewind takes the new history's revision, so forget()
                    // compares like with like.
                    if (!present.contains(e.id()) && (rewound || !e.deleted())) {
                        delete(e.id(), snapshot.revision());
                    }
                }
                ignored.retainAll(ignoredNow);
                specsSynced = true;
                relisted(SPECS);
                checkSynced();
                entries.keySet().forEach(onChange);
            }
        };
    }

    /** Groups released from management ({@code <prefix>/free/<ID>}). */
    public WatchListener freeListener() {
        return markerListener(keys.freed(), FREE, free, () -> freeSynced = true);
    }

    /** Groups whose rolling update is paused ({@code <prefix>/pause/<ID>}, value: why). */
    public WatchListener pauseListener() {
        return markerListener(keys.paused(), PAUSED, paused, () -> pausedSynced = true);
    }

    /** Keeps {@code markers} equal to the keys under {@code dir} (ID → value). */
    private WatchListener markerListener(String dir, String name, Map<String, String> markers, Runnable synced) {
        return new WatchListener() {
            @Override
            public void onEvent(WatchEvent event) {
                String id = Keys.idUnder(dir, event.key());
                if (id == null) {
                    return;
                }
                if (event.type() == WatchEvent.Type.PUT) {
                    markers.put(id, event.kv().value());
                } else {
                    markers.remove(id);
                }
                onChange.accept(id);
            }

            @Override
            public void onRevisionBackwards(long seen, long now) {
                rewinding(seen, now);
            }

            @Override
            public void onResync(Listing snapshot) {
                Map<String, String> present = new HashMap<>();
                for (KeyValue kv : snapshot.kvs()) {
                    String id = Keys.idUnder(dir, kv.key());
                    if (id != null) {
                        present.put(id, kv.value());
                    }
                }
                Set<String> changed = new HashSet<>(markers.keySet());
                changed.addAll(present.keySet());
                markers.keySet().retainAll(present.keySet());
                markers.putAll(present);
                synced.run();
                relisted(name);
                checkSynced();
                changed.forEach(onChange);
            }
        };
    }

    /** Keys under the groups prefix that name no group: said once each in the log (and by {@code group ls}). */
    private void ignore(String key, boolean present) {
        if (!present) {
            ignored.remove(key);
        } else if (ignored.add(key)) {
            log.warn("ignoring key {}: {}", key, Keys.whyIgnored(keys.groups(), key));
        }
    }

    private void put(String id, KeyValue kv) {
        Entry old = entries.get(id);
        GroupDefinition lastValid = old == null ? null : old.lastValid();
        try {
            SpecValidator.checkSize(kv.valueSize());
            SpecValidator.checkUtf8(kv.malformedUtf8());
            DelegatedGroup delegated = routing.parse(id, kv.value(), kv.modRevision());
            if (delegated != null) {
                entries.put(id, new Entry(id, kv.modRevision(), null, null, lastValid, false, delegated));
                return;
            }
            GroupDefinition def = SpecValidator.parse(id, kv.value(), kv.modRevision());
            SpecValidator.checkCeiling(def, maxInstances);
            entries.put(id, new Entry(id, kv.modRevision(), def, null, def, false, null));
        } catch (SpecException e) {
            entries.put(id, new Entry(id, kv.modRevision(), null, e.getMessage(), lastValid, false, null));
        }
    }

    private void delete(String id, long revision) {
        Entry old = entries.get(id);
        GroupDefinition lastValid = old == null ? null : old.lastValid();
        entries.put(id, new Entry(id, revision, null, null, lastValid, true, old == null ? null : old.delegated()));
    }
}
