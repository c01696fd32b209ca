package io.infrakit.operator.write;

import io.infrakit.operator.Keys;
import io.infrakit.operator.events.EventKind;
import io.infrakit.operator.group.GroupDefinition;
import io.infrakit.plugins.json.Json;
import io.infrakit.store.Compare;
import io.infrakit.store.Op;
import io.infrakit.store.Store;
import io.infrakit.store.Txn;
import io.infrakit.store.TxnResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Writes to several groups in one etcd transaction, all or nothing, under {@link GroupWrites}' rules: each spec is
 * validated, each write guarded on the revision its key had when the caller read it (absent: still absent), the
 * ownership rule applied to what was read, and each spec written recorded in the history. Extra guards and writes
 * (a sync's record) ride along. A delete takes the group's free marker with it, as {@code destroy} does.
 */
public final class SpecBatch {

    private final GroupWrites writes;
    private final Store store;
    private final Author who;
    private final Txn.Builder txn = Txn.builder();
    private final List<GroupDefinition> written = new ArrayList<>();
    private final List<String> deleted = new ArrayList<>();
    private int ops;

    SpecBatch(GroupWrites writes, Store store, Author who) {
        this.writes = writes;
        this.store = store;
        this.who = who;
    }

    /** Writes {@code value} to the group's key; {@code current} is the key as read (null: absent). */
    public SpecBatch put(String id, StoredSpec current, String value) {
        GroupDefinition def = writes.validate(id, value);
        writes.ownership(id, Optional.ofNullable(current), who);
        Keys keys = writes.keys();
        txn.when(guard(keys, id, current)).then(Op.put(keys.group(id), value));
        written.add(def);
        ops++;
        return this;
    }

    /** Deletes the group's spec and free marker; {@code current} is the key as read. */
    public SpecBatch delete(String id, StoredSpec current) {
        writes.ownership(id, Optional.of(current), who);
        Keys keys = writes.keys();
        txn.when(guard(keys, id, current)).then(Op.delete(keys.group(id))).then(Op.delete(keys.free(id)));
        deleted.add(id);
        ops += 2;
        return this;
    }

    public SpecBatch guard(Compare compare) {
        txn.when(compare);
        return this;
    }

    public SpecBatch also(Op op) {
        txn.then(op);
        ops++;
        return this;
    }

    /** Operations so far (etcd limits them per transaction). */
    public int ops() {
        return ops;
    }

    /** Commits; when it succeeded, the specs written are in their groups' history and the events log. */
    public TxnResult commit() {
        TxnResult r = store.commit(txn.build());
        if (r.succeeded()) {
            for (GroupDefinition def : written) {
                writes.history().record(def.id(), r.revision(), def.configHash(), () -> Json.toTree(def.spec()),
                        who, null);
                writes.recorded(def.id(), EventKind.COMMIT, who, "committed (revision " + r.revision() + ")");
            }
            deleted.forEach(id -> writes.recorded(id, EventKind.DELETE, who, "spec deleted: its instances are "
                    + "destroyed"));
        }
        return r;
    }

    private static Compare guard(Keys keys, String id, StoredSpec current) {
        return current == null ? Compare.absent(keys.group(id))
                : Compare.modRevision(keys.group(id), current.modRevision());
    }
}
