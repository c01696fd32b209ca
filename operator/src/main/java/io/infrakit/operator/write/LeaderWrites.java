package io.infrakit.operator.write;

import io.infrakit.operator.Keys;
import io.infrakit.operator.election.LeaderTerm;
import io.infrakit.operator.events.EventKind;
import io.infrakit.operator.group.GroupDefinition;
import io.infrakit.operator.group.PauseMarker;
import io.infrakit.plugins.json.Json;
import io.infrakit.store.Compare;
import io.infrakit.store.Op;
import io.infrakit.store.Store;
import io.infrakit.store.Txn;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writes the leader makes on its own, each fenced by its term and by the spec revision it acts on: the spec
 * kept in the group's history, and the action a failed rolling update's policy asks for (roll back to the previous
 * spec, or pause). The same rules as {@link GroupWrites}, whose writes these are ({@link GroupWrites#forLeader}).
 */
public final class LeaderWrites {

    private static final Logger log = LoggerFactory.getLogger(LeaderWrites.class);

    /** The controller's rollback of a failed update: the spec restored and the revision it now has. */
    public record Restored(SpecHistory.Entry entry, long revision) {
    }

    private final GroupWrites writes;
    private final Store store;
    private final Keys keys;
    private final Clock clock;

    LeaderWrites(GroupWrites writes, Store store, Keys keys, Clock clock) {
        this.writes = writes;
        this.store = store;
        this.keys = keys;
        this.clock = clock;
    }

    public SpecHistory history() {
        return writes.history();
    }

    /** The leader records the spec revision it acts on (specs put without this service have no history yet). */
    public void remember(GroupDefinition group, LeaderTerm term) {
        writes.history().record(group.id(), group.revision(), group.configHash(), () -> Json.toTree(group.spec()),
                null, term);
    }

    /**
     * A rolling update to {@code group} failed and its policy says roll back: commits the previous spec, unless the
     * spec changed meanwhile (a new commit wins). Returns the spec restored, empty when none was (superseded).
     *
     * @throws WriteException {@link WriteException.Reason#NO_HISTORY} when no previous spec is recorded
     */
    public Optional<Restored> rollBackFailedUpdate(GroupDefinition group, String failure, LeaderTerm term) {
        SpecHistory.Entry prev = SpecHistory.previous(writes.history().entries(group.id()), group.revision(),
                group.configHash()).orElseThrow(() -> new WriteException(WriteException.Reason.NO_HISTORY,
                "no previous spec to roll back to"));
        Optional<StoredSpec> current = writes.read(group.id());
        if (current.isEmpty() || current.get().modRevision() != group.revision()) {
            return Optional.empty();
        }
        writes.ownership(group.id(), current, Author.CONTROLLER);
        log.warn("rolling update of {} failed ({}); rolling back to the spec of revision {}", group.id(), failure,
                prev.revision());
        try {
            long revision = writes.restore(group.id(), current.get(), prev, Txn.builder(), Author.CONTROLLER, term);
            writes.recorded(group.id(), EventKind.ROLLBACK, Author.CONTROLLER, "rolling update failed (" + failure
                    + "): rolled back to the spec of revision " + prev.revision() + ", now revision " + revision);
            return Optional.of(new Restored(prev, revision));
        } catch (WriteException e) {
            log.info("not rolled back: {}", e.getMessage());
            return Optional.empty();
        }
    }

    /** A rolling update failed and its policy says pause: writes the failure's marker, if the spec is unchanged. */
    public void pauseFailedUpdate(GroupDefinition group, String failure, LeaderTerm term) {
        log.warn("rolling update of {} paused: {}", group.id(), failure);
        Txn txn = Txn.builder().when(Compare.modRevision(keys.group(group.id()), group.revision()))
                .then(Op.put(keys.pause(group.id()), PauseMarker.byFailure(failure, group.configHash(),
                        clock.instant()).toJson())).build();
        if (store.commit(term.fence(txn)).succeeded()) { // refused: a rollback or a new commit meanwhile wins
            writes.recorded(group.id(), EventKind.PAUSE, Author.CONTROLLER, "rolling update paused: " + failure);
        }
    }
}
