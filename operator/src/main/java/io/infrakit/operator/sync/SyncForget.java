package io.infrakit.operator.sync;

import io.infrakit.operator.Keys;
import io.infrakit.operator.group.SyncAnnotations;
import io.infrakit.operator.write.StoredSpec;
import io.infrakit.store.Compare;
import io.infrakit.store.KeyValue;
import io.infrakit.store.Op;
import io.infrakit.store.Store;
import io.infrakit.store.Txn;
import java.util.ArrayList;
import java.util.List;

/**
 * Forgets a sync source: its record goes, and the groups it owns stay as they are, owned by no source (they can be
 * changed by hand without drift, or taken by another source). All in one transaction, guarded on every key read, so
 * a sync or a commit meanwhile makes it try again on what is there then.
 */
public final class SyncForget {

    private static final int ATTEMPTS = 5;

    private SyncForget() {
    }

    /**
     * @return the IDs of the groups released, sorted
     * @throws SyncException when the source has neither a record nor groups, or keys kept moving
     */
    public static List<String> forget(Store store, Keys keys, String name) throws SyncException {
        for (int i = 0; i < ATTEMPTS; i++) {
            String recordKey = Syncer.recordKey(keys, name);
            Txn.Builder txn = Txn.builder();
            boolean recorded = false;
            for (KeyValue kv : store.get(recordKey).stream().toList()) {
                txn.when(Compare.modRevision(recordKey, kv.modRevision())).then(Op.delete(recordKey));
                recorded = true;
            }
            List<String> released = new ArrayList<>();
            for (KeyValue kv : store.list(keys.groups()).kvs()) {
                String id = Keys.idUnder(keys.groups(), kv.key());
                if (id == null || !name.equals(StoredSpec.of(id, kv).owner())) {
                    continue;
                }
                txn.when(Compare.modRevision(kv.key(), kv.modRevision()))
                        .then(Op.put(kv.key(), SyncAnnotations.withoutSync(kv.value())));
                released.add(id);
            }
            if (!recorded && released.isEmpty()) {
                throw new SyncException("no sync source '" + name + "': no record under " + Syncer.records(keys)
                        + " and no group it owns");
            }
            if (store.commit(txn.build()).succeeded()) {
                released.sort(null);
                return released;
            }
        }
        throw new SyncException("sync source '" + name + "' kept changing while it was being forgotten (is a sync "
                + "of it still running? stop it first)");
    }
}
