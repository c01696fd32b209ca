package io.infrakit.operator.sync;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.infrakit.operator.group.FieldChange;
import java.util.List;

/**
 * What sync does, or would do, to one group's spec key. {@code modRevision} is the key's revision when it was read
 * (0: absent): the write is guarded on it, so a concurrent edit fails the transaction instead of being lost.
 * {@code drift} marks a change that reverts an edit made in etcd since the last sync.
 */
@JsonPropertyOrder({"Kind", "ID", "Key", "Path", "Drift", "Note", "Diff"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GroupChange(
        @JsonProperty("Kind") Kind kind,
        @JsonProperty("ID") String id,
        @JsonProperty("Key") String key,
        @JsonProperty("Path") String path,
        @JsonIgnore long modRevision,
        @JsonIgnore String value,
        @JsonProperty("Drift") boolean drift,
        @JsonProperty("Note") String note,
        @JsonProperty("Diff") List<FieldChange> diff) {

    public enum Kind {
        /** The key is absent: write the spec. */
        CREATE,
        /** The spec differs: write the source's. */
        UPDATE,
        /** A spec written by hand (no owner) is taken over: written with sync's annotations. */
        ADOPT,
        /** Same spec, but the annotations say another path (the file moved) or were lost: rewrite them. */
        RELABEL,
        /** {@code --prune}: an owned key whose file is gone is deleted, and the operator destroys its instances. */
        DELETE,
        /** Changed in etcd since the last sync and not reverted (watch without {@code --self-heal}): reported. */
        DRIFT,
        /** An owned key whose file is gone, kept because {@code --prune} is off: reported. */
        ORPHAN,
        /**
         * A key that names this source in its annotations although the source's record does not list it (a copy
         * under another ID, or written by hand): never pruned, never taken into the record; reported.
         */
        UNRECORDED
    }

    public GroupChange {
        diff = diff == null ? List.of() : List.copyOf(diff);
    }

    /** Whether applying the plan writes this key. */
    @JsonIgnore
    public boolean writes() {
        return kind != Kind.DRIFT && kind != Kind.ORPHAN && kind != Kind.UNRECORDED;
    }
}
