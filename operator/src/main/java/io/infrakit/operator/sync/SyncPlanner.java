package io.infrakit.operator.sync;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.infrakit.operator.Keys;
import io.infrakit.operator.group.FieldChange;
import io.infrakit.operator.group.JsonDiff;
import io.infrakit.operator.group.SyncAnnotations;
import io.infrakit.store.KeyValue;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Compares the source's specs with etcd's and decides, group by group, what to write. Pure: no I/O.
 *
 * <p>Ownership: a key is the source's when its {@code infrakit.sync/source} annotation names it, or when the last
 * sync's record lists it (a hand edit may have dropped the annotations). A key owned by another source is a
 * conflict; a key written by hand for a group the source declares is adopted; a key written by hand for any other
 * group is never touched, prune included. Prune deletes only keys that both name the source and are listed in its
 * record: an annotation can be copied along with a spec, or written by hand.
 *
 * <p>Drift: a key the source owns whose content is no longer what the last sync wrote. It is reverted unless
 * {@code revertDrift} is off and the source did not change that group since (then it is reported only).
 */
final class SyncPlanner {

    /** Who writes: the source's name (the owner), its location and commit, for the annotations. */
    record Identity(String name, String repository, String commit) {
    }

    record Options(boolean prune, boolean revertDrift, boolean allowEmpty) {
    }

    private SyncPlanner() {
    }

    static SyncPlan plan(List<DesiredGroup> desired, List<KeyValue> stored, Keys keys, SyncRecord previous,
                         Identity who, Options options) throws SyncException {
        Map<String, StoredGroup> live = new HashMap<>();
        for (KeyValue kv : stored) {
            String id = Keys.idUnder(keys.groups(), kv.key());
            if (id != null) {
                live.put(id, StoredGroup.of(id, kv.key(), kv.value(), kv.modRevision()));
            }
        }
        Map<String, SyncRecord.Owned> before = previous.groups();
        List<GroupChange> changes = new ArrayList<>();
        List<String> unchanged = new ArrayList<>();
        Map<String, SyncRecord.Owned> inventory = new TreeMap<>();
        List<SyncProblem> problems = new ArrayList<>();
        Set<String> declared = new HashSet<>();

        for (DesiredGroup d : desired) {
            declared.add(d.id());
            StoredGroup s = live.get(d.id());
            SyncRecord.Owned prev = before.get(d.id());
            String want = SyncAnnotations.digest(d.content());
            SyncRecord.Owned next = new SyncRecord.Owned(d.path(), want);
            String key = keys.group(d.id());
            String value = SyncAnnotations.value(d.content(), annotations(who, d.path()));
            if (s == null) {
                boolean drift = prev != null; // sync wrote it, someone deleted it
                if (drift && want.equals(prev.digest()) && !options.revertDrift()) {
                    changes.add(change(GroupChange.Kind.DRIFT, d, key, 0, null, true,
                            "deleted in etcd since the last sync; not recreated (no --self-heal)", List.of()));
                    inventory.put(d.id(), prev);
                } else {
                    changes.add(change(GroupChange.Kind.CREATE, d, key, 0, value, drift,
                            drift ? "deleted in etcd since the last sync; recreated" : null,
                            JsonDiff.diff(null, d.content())));
                    inventory.put(d.id(), next);
                }
                continue;
            }
            String owner = s.owner();
            if (owner != null && !owner.equals(who.name())) {
                problems.add(SyncProblem.at(d.path(), d.line(), "group '" + d.id() + "' is owned by sync source '"
                        + owner + "' (" + key + "): a group can come from one source only"));
                continue;
            }
            boolean ours = who.name().equals(owner) || prev != null;
            if (Objects.equals(s.content(), d.content())) {
                // Repository and commit say which sync last wrote the spec: a CI dry run from a local checkout,
                // or a new remote URL, is no reason to rewrite it.
                if (who.name().equals(owner) && d.path().equals(s.path())) {
                    unchanged.add(d.id());
                } else {
                    String note = owner == null
                            ? (ours ? "sync's annotations were removed in etcd; restored"
                            : "written by hand with the same content; sync takes it over")
                            : "file moved from " + s.path() + " to " + d.path();
                    changes.add(change(ours ? GroupChange.Kind.RELABEL : GroupChange.Kind.ADOPT, d, key,
                            s.modRevision(), value, false, note, annotationDiff(s, who, d.path())));
                }
                inventory.put(d.id(), next);
                continue;
            }
            List<FieldChange> diff = JsonDiff.diff(s.content(), d.content());
            String invalid = s.invalid() == null ? "" : " (the stored value is not a valid spec: " + s.invalid() + ")";
            if (!ours) {
                changes.add(change(GroupChange.Kind.ADOPT, d, key, s.modRevision(), value, false,
                        "written by hand; sync takes it over and writes the source's spec" + invalid, diff));
                inventory.put(d.id(), next);
                continue;
            }
            boolean drift = prev != null && !SyncAnnotations.digest(s.content()).equals(prev.digest());
            boolean sourceChanged = prev == null || !want.equals(prev.digest());
            if (drift && !sourceChanged && !options.revertDrift()) {
                changes.add(change(GroupChange.Kind.DRIFT, d, key, s.modRevision(), null, true,
                        "changed in etcd since the last sync; not reverted (no --self-heal)" + invalid, diff));
                inventory.put(d.id(), prev);
            } else {
                changes.add(change(GroupChange.Kind.UPDATE, d, key, s.modRevision(), value, drift,
                        drift ? "changed in etcd since the last sync; reverted to the source" + invalid : null, diff));
                inventory.put(d.id(), next);
            }
        }

        Set<String> paths = new HashSet<>();
        desired.forEach(d -> paths.add(d.path()));
        int deletes = 0;
        for (StoredGroup s : live.values()) {
            if (declared.contains(s.id()) || !who.name().equals(s.owner())) {
                continue; // specs written by hand, or by another source, are not ours to remove
            }
            SyncRecord.Owned wrote = before.get(s.id());
            if (wrote == null) {
                // The annotation alone proves nothing: anyone can copy a synced spec or write the annotation.
                changes.add(new GroupChange(GroupChange.Kind.UNRECORDED, s.id(), s.key(), s.path(), s.modRevision(),
                        null, false, "names this source in its annotations, but this source's record does not list"
                        + " it (a copy or a key written by hand): not pruned, left as it is", List.of()));
                continue;
            }
            String path = wrote.path() != null ? wrote.path() : s.path() != null ? s.path() : "its file";
            String why = paths.contains(path) ? path + " no longer declares group '" + s.id() + "'"
                    : path + " is gone";
            if (options.prune()) {
                deletes++;
                changes.add(new GroupChange(GroupChange.Kind.DELETE, s.id(), s.key(), path, s.modRevision(), null,
                        false, why + ": the spec is deleted and the operator DESTROYS ALL ITS INSTANCES",
                        JsonDiff.diff(s.content(), null)));
            } else {
                changes.add(new GroupChange(GroupChange.Kind.ORPHAN, s.id(), s.key(), path, s.modRevision(), null,
                        false, why + "; the spec is kept (no --prune)", List.of()));
                inventory.put(s.id(), wrote);
            }
        }
        if (desired.isEmpty() && deletes > 0 && !options.allowEmpty()) {
            problems.add(SyncProblem.of("the source has no specs: refusing to prune all " + deletes
                    + " groups it owns (a wrong --path or ref looks like this); pass --allow-empty to do it"));
        }
        if (!problems.isEmpty()) {
            throw new SyncException(problems);
        }
        changes.sort(Comparator.comparing(GroupChange::id));
        unchanged.sort(Comparator.naturalOrder());
        return new SyncPlan(changes, unchanged, inventory);
    }

    static Map<String, String> annotations(Identity who, String path) {
        Map<String, String> a = new TreeMap<>();
        a.put(SyncAnnotations.SOURCE, who.name());
        a.put(SyncAnnotations.REPOSITORY, who.repository());
        if (who.commit() != null) {
            a.put(SyncAnnotations.COMMIT, who.commit());
        }
        a.put(SyncAnnotations.PATH, path);
        return a;
    }

    private static GroupChange change(GroupChange.Kind kind, DesiredGroup d, String key, long modRevision,
                                      String value, boolean drift, String note, List<FieldChange> diff) {
        return new GroupChange(kind, d.id(), key, d.path(), modRevision, value, drift, note, diff);
    }

    /** How sync's annotations change (the commit left out: it moves with every sync and says nothing). */
    private static List<FieldChange> annotationDiff(StoredGroup s, Identity who, String path) {
        Map<String, String> was = new TreeMap<>(s.sync());
        Map<String, String> will = annotations(who, path);
        was.remove(SyncAnnotations.COMMIT);
        will.remove(SyncAnnotations.COMMIT);
        ObjectNode a = JsonNodeFactory.instance.objectNode();
        ObjectNode b = JsonNodeFactory.instance.objectNode();
        was.forEach((k, v) -> a.put(k, v));
        will.forEach((k, v) -> b.put(k, v));
        List<FieldChange> out = new ArrayList<>();
        for (FieldChange c : JsonDiff.diff(a, b)) {
            out.add(new FieldChange(SyncAnnotations.FIELD + c.path(), c.live(), c.source()));
        }
        return out;
    }
}
