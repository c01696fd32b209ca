package io.infrakit.operator.write;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.infrakit.operator.Keys;
import io.infrakit.operator.group.SyncAnnotations;
import io.infrakit.plugins.json.Json;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may write a group that a sync source owns: only that source, as a sync; anyone else's write is drift, made
 * with a warning, and keeps the owner's annotations so the group stays synced.
 */
final class SyncOwnership {

    private static final Logger log = LoggerFactory.getLogger(SyncOwnership.class);

    private final Keys keys;

    SyncOwnership(Keys keys) {
        this.keys = Objects.requireNonNull(keys, "keys");
    }

    /** Refuses another source's group to a sync; otherwise the warning when the group is synced. */
    Optional<String> check(String id, Optional<StoredSpec> current, Author who) {
        String owner = current.map(StoredSpec::owner).orElse(null);
        if (owner == null || who.kind() == Author.Kind.SYNC && owner.equals(who.name())) {
            return Optional.empty();
        }
        if (who.kind() == Author.Kind.SYNC) {
            throw new WriteException(WriteException.Reason.OWNED, "group '" + id + "' is owned by sync source '"
                    + owner + "' (" + keys.group(id) + "): a group can come from one source only");
        }
        String path = current.get().ownerPath();
        String warning = "group '" + id + "' comes from sync source '" + owner + "'" + (path == null ? ""
                : " (" + path + ")") + ": this change is drift, which that source's next sync reports and, with"
                + " --self-heal, reverts; change the source instead";
        log.warn("{}: {}", who, warning);
        return Optional.of(warning);
    }

    /** A value written on behalf of anyone but a sync keeps the owner's annotations: the group stays synced. */
    static String keepOwner(String canonical, Optional<StoredSpec> current, Author who) {
        if (who.kind() == Author.Kind.SYNC || current.isEmpty() || current.get().owner() == null) {
            return canonical;
        }
        return SyncAnnotations.value((ObjectNode) Json.parse(canonical), current.get().syncAnnotations());
    }
}
