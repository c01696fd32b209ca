package io.infrakit.operator.sync;

import io.infrakit.operator.write.Author;
import io.infrakit.operator.write.GroupWrites;
import io.infrakit.operator.write.SpecBatch;
import io.infrakit.operator.write.StoredSpec;
import io.infrakit.store.Compare;
import io.infrakit.store.KeyValue;
import io.infrakit.store.Op;
import io.infrakit.store.Store;
import io.infrakit.store.TxnResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Writes a plan in etcd transactions, through {@link GroupWrites}' batches (validated, guarded on the revision each
 * key had when the plan was read, ownership checked, history kept), every transaction also guarded on the sync
 * record's revision (so two syncs of one source cannot interleave); the record is written by the last one. A plan that fits in one transaction ({@code maxOps} operations, {@code maxBytes} of
 * values) is applied all or nothing; a bigger one is split, and a conflict then stops it with the earlier
 * transactions applied.
 */
final class SyncApplier {

    /** etcd's default --max-txn-ops. */
    static final int DEFAULT_MAX_OPS = 128;
    /** Below etcd's default --max-request-bytes (1.5 MiB), with room for keys and framing. */
    static final long DEFAULT_MAX_BYTES = 1L << 20;

    /**
     * @param applied    changes written before a conflict (0 when all is applied or nothing was)
     * @param conflicts  keys that changed since they were read; empty when the plan was applied
     * @param transactions how many transactions were committed
     */
    record Outcome(boolean succeeded, long revision, int transactions, int applied, List<String> conflicts) {
    }

    private SyncApplier() {
    }

    static Outcome apply(Store store, GroupWrites groups, Author who, Map<String, StoredSpec> read,
                         List<GroupChange> writes, String recordKey, long recordRevision, String recordValue,
                         int maxOps, long maxBytes) {
        List<List<GroupChange>> batches = batches(writes, Math.max(3, maxOps) - 1, maxBytes);
        Compare recordGuard = recordRevision == 0 ? Compare.absent(recordKey)
                : Compare.modRevision(recordKey, recordRevision);
        long revision = 0;
        int applied = 0;
        for (int i = 0; i < batches.size(); i++) {
            List<GroupChange> batch = batches.get(i);
            SpecBatch txn = groups.batch(who).guard(recordGuard);
            for (GroupChange c : batch) {
                StoredSpec current = c.modRevision() == 0 ? null : read.get(c.id());
                if (c.kind() == GroupChange.Kind.DELETE) {
                    txn.delete(c.id(), current);
                } else {
                    txn.put(c.id(), current, c.value());
                }
            }
            if (i == batches.size() - 1 && recordValue != null) {
                txn.also(Op.put(recordKey, recordValue));
            }
            TxnResult result = txn.commit();
            if (!result.succeeded()) {
                return new Outcome(false, revision, i, applied, conflicts(store, batch, recordKey, recordRevision));
            }
            revision = result.revision();
            applied += batch.size();
        }
        return new Outcome(true, revision, batches.size(), 0, List.of());
    }

    /**
     * Groups of writes under both limits (a delete is two operations: the spec and its free marker); always at least
     * one, possibly empty, so the record gets written.
     */
    static List<List<GroupChange>> batches(List<GroupChange> writes, int maxOps, long maxBytes) {
        List<List<GroupChange>> out = new ArrayList<>();
        List<GroupChange> current = new ArrayList<>();
        long bytes = 0;
        int count = 0;
        for (GroupChange c : writes) {
            long size = c.key().length() + (c.value() == null ? 0 : c.value().getBytes(StandardCharsets.UTF_8).length);
            int ops = c.kind() == GroupChange.Kind.DELETE ? 2 : 1;
            if (!current.isEmpty() && (count + ops > maxOps || bytes + size > maxBytes)) {
                out.add(current);
                current = new ArrayList<>();
                bytes = 0;
                count = 0;
            }
            current.add(c);
            bytes += size;
            count += ops;
        }
        out.add(current);
        return out;
    }

    /** Which guarded keys moved: re-read them to name them in the error. */
    private static List<String> conflicts(Store store, List<GroupChange> batch, String recordKey, long recordRevision) {
        List<String> moved = new ArrayList<>();
        if (revision(store.get(recordKey)) != recordRevision) {
            moved.add(recordKey + " (another sync of this source ran at the same time)");
        }
        for (GroupChange c : batch) {
            if (revision(store.get(c.key())) != c.modRevision()) {
                moved.add(c.key());
            }
        }
        return moved;
    }

    private static long revision(Optional<KeyValue> kv) {
        return kv.map(KeyValue::modRevision).orElse(0L);
    }
}
