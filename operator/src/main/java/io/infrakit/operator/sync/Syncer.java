package io.infrakit.operator.sync;

import io.infrakit.operator.Keys;
import io.infrakit.operator.policy.Admission;
import io.infrakit.operator.write.Author;
import io.infrakit.operator.write.GroupWrites;
import io.infrakit.operator.write.StoredSpec;
import io.infrakit.operator.write.WriteException;
import io.infrakit.plugins.PluginLookup;
import io.infrakit.store.Compare;
import io.infrakit.store.KeyValue;
import io.infrakit.store.Op;
import io.infrakit.store.Store;
import io.infrakit.store.StoreException;
import io.infrakit.store.Txn;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One source kept in etcd: read it, parse and validate every spec, compare with etcd, write the differences, record
 * the commit. Nothing is written unless every spec is valid and nothing conflicts. Not thread-safe: one sync at a
 * time (the watcher runs them on one thread).
 */
public final class Syncer {

    private final Store store;
    private final Keys keys;
    private final SyncSource source;
    private final SyncOptions options;
    private final PluginLookup plugins;
    private final Admission admission;
    private final Clock clock;

    /** Without a policy: see {@link #Syncer(Store, Keys, SyncSource, SyncOptions, PluginLookup, Admission, Clock)}. */
    public Syncer(Store store, Keys keys, SyncSource source, SyncOptions options, PluginLookup plugins, Clock clock) {
        this(store, keys, source, options, plugins, Admission.none(), clock);
    }

    /**
     * @param plugins   asked to validate each spec's plugin properties; null to check structure only
     * @param admission the policy every spec must pass before anything is written (read once per sync)
     */
    public Syncer(Store store, Keys keys, SyncSource source, SyncOptions options, PluginLookup plugins,
                  Admission admission, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.source = Objects.requireNonNull(source, "source");
        this.options = Objects.requireNonNull(options, "options");
        this.plugins = plugins;
        this.admission = Objects.requireNonNull(admission, "admission");
        this.clock = clock == null ? Clock.systemUTC() : clock;
    }

    /** Where the records of every source live: {@code <prefix>/sync/}. */
    public static String records(Keys keys) {
        return keys.prefix() + "/sync/";
    }

    public static String recordKey(Keys keys, String name) {
        return records(keys) + name;
    }

    public SyncOptions options() {
        return options;
    }

    public SyncSource source() {
        return source;
    }

    /** Reads the stored record of a source, if any (an unreadable one counts as none). */
    public static Optional<SyncRecord> record(Store store, Keys keys, String name) {
        return store.get(recordKey(keys, name)).flatMap(Syncer::decode);
    }

    /** Runs one sync; with {@code dryRun} nothing is written, not even the record. Never throws for bad input. */
    public SyncResult sync(boolean dryRun) {
        String now = Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
        SourceSnapshot snapshot = null;
        try {
            snapshot = source.read();
            Admission policy = admission.pinned();
            GroupWrites groups = new GroupWrites(store, keys, plugins, clock).admitting(policy);
            List<DesiredGroup> desired = SpecFiles.parse(snapshot.files(), policy, plugins);
            List<KeyValue> stored = store.list(keys.groups()).kvs();
            String recordKey = recordKey(keys, options.name());
            Optional<KeyValue> recordKv = store.get(recordKey);
            SyncRecord previous = recordKv.flatMap(Syncer::decode).orElse(SyncRecord.none(options.name()));
            SyncPlanner.Identity who = new SyncPlanner.Identity(options.name(), source.location(), snapshot.commit());
            SyncPlan plan = SyncPlanner.plan(desired, stored, keys, previous, who,
                    new SyncPlanner.Options(options.prune(), options.revertDrift(), options.allowEmpty()));
            SyncResult.Status settled = plan.inSync() ? SyncResult.Status.IN_SYNC : SyncResult.Status.OUT_OF_SYNC;
            if (dryRun) {
                return new SyncResult(settled, options.name(), true, snapshot, plan, List.of(), 0, 0, 0);
            }
            List<GroupChange> writes = plan.writes();
            SyncRecord next = succeeded(previous, snapshot, plan, writes, now);
            if (writes.isEmpty() && !recordDue(recordKv.isPresent(), previous, next, now)) {
                return new SyncResult(settled, options.name(), false, snapshot, plan, List.of(), 0, 0, 0);
            }
            Map<String, StoredSpec> read = new HashMap<>();
            for (KeyValue kv : stored) {
                String id = Keys.idUnder(keys.groups(), kv.key());
                if (id != null) {
                    read.put(id, StoredSpec.of(id, kv));
                }
            }
            SyncApplier.Outcome outcome = SyncApplier.apply(store, groups, Author.sync(options.name()), read, writes,
                    recordKey, recordKv.map(KeyValue::modRevision).orElse(0L), next.toJson(), options.maxTxnOps(),
                    options.maxTxnBytes());
            if (!outcome.succeeded()) {
                String applied = outcome.applied() == 0 ? "nothing was applied"
                        : outcome.applied() + " of " + writes.size() + " changes were applied in earlier transactions";
                SyncException e = new SyncException("keys changed in etcd while syncing (a concurrent write): "
                        + String.join(", ", outcome.conflicts()) + "; " + applied + "; run the sync again");
                noteFailure(e, now);
                return new SyncResult(SyncResult.Status.FAILED, options.name(), false, snapshot, plan, e.problems(),
                        outcome.transactions(), outcome.applied(), outcome.revision());
            }
            return new SyncResult(writes.isEmpty() ? settled : SyncResult.Status.APPLIED, options.name(), false,
                    snapshot, plan, List.of(), outcome.transactions(), 0, outcome.revision());
        } catch (SyncException e) {
            if (!dryRun) {
                noteFailure(e, now);
            }
            return new SyncResult(SyncResult.Status.FAILED, options.name(), dryRun, snapshot, null, e.problems(), 0, 0,
                    0);
        } catch (StoreException e) {
            return new SyncResult(SyncResult.Status.FAILED, options.name(), dryRun, snapshot, null,
                    List.of(SyncProblem.of("etcd: " + e.getMessage())), 0, 0, 0);
        } catch (WriteException e) { // the plan's checks, repeated by the write path on what it read: a race
            SyncException failure = new SyncException(e.getMessage());
            noteFailure(failure, now);
            return new SyncResult(SyncResult.Status.FAILED, options.name(), false, snapshot, null,
                    failure.problems(), 0, 0, 0);
        }
    }

    private SyncRecord succeeded(SyncRecord previous, SourceSnapshot snapshot, SyncPlan plan,
                                 List<GroupChange> writes, String now) {
        List<String> drift = ids(plan.of(GroupChange.Kind.DRIFT));
        SyncRecord.Change last = previous.lastChange();
        if (!writes.isEmpty()) {
            last = new SyncRecord.Change(now, snapshot.commit(), ids(plan.of(GroupChange.Kind.CREATE)),
                    writes.stream().filter(c -> c.kind() != GroupChange.Kind.CREATE
                            && c.kind() != GroupChange.Kind.DELETE).map(GroupChange::id).toList(),
                    ids(plan.of(GroupChange.Kind.DELETE)));
        }
        return new SyncRecord(options.name(), snapshot.repository(), snapshot.ref(), snapshot.path(),
                snapshot.commit(), now, drift.isEmpty() ? SyncRecord.SYNCED : SyncRecord.DRIFT, null, null, last,
                drift, ids(plan.of(GroupChange.Kind.ORPHAN)), plan.inventory());
    }

    /** Whether a sync that writes no spec should still write the record: it changed, or is old enough. */
    private boolean recordDue(boolean exists, SyncRecord previous, SyncRecord next, String now) {
        if (!exists || !previous.timeless().equals(next.timeless())) {
            return true;
        }
        return olderThan(previous.syncedAt(), now, options.recordRefresh());
    }

    /** Notes a failed attempt in the record, keeping what is live; best effort, never fails the caller. */
    private void noteFailure(SyncException e, String now) {
        String recordKey = recordKey(keys, options.name());
        try {
            Optional<KeyValue> kv = store.get(recordKey);
            SyncRecord previous = kv.flatMap(Syncer::decode).orElse(SyncRecord.none(options.name()));
            SyncRecord next = previous.failed(e.getMessage(), now);
            if (kv.isPresent() && previous.timeless().equals(next.timeless())
                    && !olderThan(previous.errorAt(), now, options.recordRefresh())) {
                return;
            }
            Compare guard = kv.isEmpty() ? Compare.absent(recordKey)
                    : Compare.modRevision(recordKey, kv.get().modRevision());
            store.commit(Txn.builder().when(guard).then(Op.put(recordKey, next.toJson())).build());
        } catch (StoreException ignored) {
            // etcd is away: the result carries the error anyway
        }
    }

    private static boolean olderThan(String time, String now, Duration age) {
        if (time == null || age.isZero()) {
            return true;
        }
        try {
            return Duration.between(Instant.parse(time), Instant.parse(now)).compareTo(age) >= 0;
        } catch (DateTimeParseException e) {
            return true;
        }
    }

    private static Optional<SyncRecord> decode(KeyValue kv) {
        try {
            return Optional.of(SyncRecord.fromJson(kv.value()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static List<String> ids(List<GroupChange> changes) {
        return changes.stream().map(GroupChange::id).toList();
    }
}
