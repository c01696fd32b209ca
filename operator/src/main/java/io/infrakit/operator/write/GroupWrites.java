package io.infrakit.operator.write;

import io.infrakit.operator.Keys;
import io.infrakit.operator.election.LeaderTerm;
import io.infrakit.operator.events.Event;
import io.infrakit.operator.events.EventKind;
import io.infrakit.operator.events.EventSink;
import io.infrakit.operator.events.EventStore;
import io.infrakit.operator.group.CommitDetails;
import io.infrakit.operator.group.DelegatedGroup;
import io.infrakit.operator.group.GroupDefinition;
import io.infrakit.operator.group.GroupRouting;
import io.infrakit.operator.group.PauseMarker;
import io.infrakit.operator.group.SpecException;
import io.infrakit.operator.group.SpecValidator;
import io.infrakit.operator.policy.Admission;
import io.infrakit.plugins.PluginLookup;
import io.infrakit.plugins.group.GroupSpecs;
import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.spi.GroupSpec;
import io.infrakit.store.Compare;
import io.infrakit.store.KeyValue;
import io.infrakit.store.Op;
import io.infrakit.store.Store;
import io.infrakit.store.Txn;
import io.infrakit.store.TxnResult;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way group specs (and their free and pause markers) are written, whoever asks: the CLI, the group socket,
 * GitOps sync, the controller's rolling updates. One set of rules for all of them:
 * <ul>
 *   <li><b>validated</b>: a spec is parsed and checked, admitted by the policy, and its plugins asked, before it
 *       is written;</li>
 *   <li><b>compare-and-set</b>: every write is guarded on the spec's mod revision as it was read, so of two
 *       concurrent writers one wins and the other gets a {@link WriteException.Reason#CONFLICT};</li>
 *   <li><b>history kept</b>: each spec written is recorded with its revision, time and writer in
 *       {@link SpecHistory}, and each write is an event ({@link EventSink}) naming who made it;</li>
 *   <li><b>sync ownership</b>: a sync source writes only groups nobody else's source owns; anyone else's write to
 *       a group a source owns is done, with a warning that it is drift, and keeps the source's annotations, so the
 *       group stays that source's.</li>
 * </ul>
 */
public final class GroupWrites {

    private static final Logger log = LoggerFactory.getLogger(GroupWrites.class);

    /**
     * A commit's outcome.
     *
     * @param details  InfraKit's words for what it does to the group ({@code Managing 3 instances}, ...)
     * @param revision the spec's new mod revision (0 when pretending)
     * @param previous the spec it replaced, if any
     * @param written  the value stored (or that would be)
     * @param warning  set when the group belongs to a sync source (the commit is drift)
     */
    public record Commit(String id, String details, long revision, Optional<StoredSpec> previous, String written,
                         Optional<String> warning) {
    }

    /** A rollback's outcome: the spec it restored (its old revision and config) and the new revision. */
    public record Rollback(String id, long fromRevision, String configSha, long revision, Optional<String> warning) {
    }

    /** A commit guarded on the spec as it reads it, whoever changed it before. */
    public static final long AS_READ = -1;

    private final Store store;
    private final Keys keys;
    private final Clock clock;
    private final SpecHistory history;
    private final EventSink events;
    private final SpecChecks checks;
    private final SyncOwnership owners;

    /**
     * Writes recorded in the events log at once (a command, the group socket, a sync), validated with the built-in
     * group's rules and the instance ceiling, no policy; the withers below change each of these.
     *
     * @param plugins asked to validate every spec written; null checks structure only
     */
    public GroupWrites(Store store, Keys keys, PluginLookup plugins, Clock clock) {
        this(store, keys, clock, new EventStore(store, keys).directSink(), new SpecChecks(plugins,
                GroupRouting.DEFAULT, Admission.none(), SpecValidator.DEFAULT_MAX_INSTANCES));
    }

    private GroupWrites(Store store, Keys keys, Clock clock, EventSink events, SpecChecks checks) {
        this.checks = checks;
        this.store = Objects.requireNonNull(store, "store");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.clock = clock == null ? Clock.systemUTC() : clock;
        this.history = new SpecHistory(store, keys, this.clock);
        this.events = Objects.requireNonNull(events, "events");
        this.owners = new SyncOwnership(keys);
    }

    /**
     * These writes, admitted by a policy: every spec written must pass it, before the plugins are asked (without
     * one, every valid spec is written).
     */
    public GroupWrites admitting(Admission admission) {
        return new GroupWrites(store, keys, clock, events, checks.admitting(admission));
    }

    /** These writes, reported to {@code events} (the leader's batched, fenced recorder). */
    public GroupWrites reportingTo(EventSink events) {
        return new GroupWrites(store, keys, clock, events, checks);
    }

    /** These writes, with {@code routing} saying which specs name another group plugin (validated there). */
    public GroupWrites routedBy(GroupRouting routing) {
        return new GroupWrites(store, keys, clock, events, checks.routedBy(routing));
    }

    /** These writes, refusing a spec that asks for more than {@code maxInstances} instances. */
    public GroupWrites limitedTo(long maxInstances) {
        return new GroupWrites(store, keys, clock, events, checks.limitedTo(maxInstances));
    }

    public Keys keys() {
        return keys;
    }

    public SpecHistory history() {
        return history;
    }

    /** The group's spec key, if present. */
    public Optional<StoredSpec> read(String id) {
        return store.get(keys.group(id)).map(kv -> StoredSpec.of(id, kv));
    }

    public boolean isFree(String id) {
        return store.get(keys.free(id)).isPresent();
    }

    /**
     * Validates a spec and, unless pretending, writes it in canonical form and takes the group back from a free
     * marker, guarded on the spec read to explain the change.
     */
    public Commit commit(String json, Author who, boolean pretend) {
        return commit(json, who, pretend, AS_READ);
    }

    /**
     * Like {@link #commit(String, Author, boolean)}, guarded on the spec the caller edited: when the stored spec's
     * mod revision is not {@code basedOn} (0: the caller saw no spec), nothing is written and the caller hears of
     * the conflict, even when pretending.
     *
     * @param basedOn the revision the caller read, or {@link #AS_READ} for the one this commit reads
     */
    public Commit commit(String json, Author who, boolean pretend, long basedOn) {
        DelegatedGroup delegated = checks.delegated(null, json);
        if (delegated != null) {
            return commit(delegated, who, pretend, basedOn);
        }
        GroupDefinition def = checks.validate(null, json);
        String id = def.id();
        Optional<StoredSpec> current = readAsEdited(id, basedOn);
        // A freed group is new again to InfraKit: its commit "manages" it.
        String details = CommitDetails.explain(def, isFree(id) ? null : current.map(StoredSpec::value).orElse(null));
        return write(id, current, GroupSpecs.toJson(def.spec()), def.spec(), def.configHash(), details, "", who,
                pretend);
    }

    /**
     * A spec for another group plugin: the policy names the plugins it may go to; that plugin validates it (a
     * pretend commit, whose details are the answer), then it is written with its properties as they are; the leader forwards it.
     */
    private Commit commit(DelegatedGroup group, Author who, boolean pretend, long basedOn) {
        String id = group.id();
        checks.admit(group); // before the plugin sees it
        Optional<StoredSpec> current = readAsEdited(id, basedOn);
        String details = checks.pretend(group);
        return write(id, current, group.toJson(), group.spec(), group.configHash(), details,
                " for group plugin " + group.plugin(), who, pretend);
    }

    /**
     * Writes a validated spec (unless pretending), keeping a sync source's ownership, and takes the group back from
     * a free marker; records it in the history and the events log.
     *
     * @param value   the spec as it is stored
     * @param details what the commit does to the group
     * @param to      where the spec goes, for the log ({@code " for group plugin x"}; empty: this operator)
     */
    private Commit write(String id, Optional<StoredSpec> current, String value, GroupSpec spec, String configHash,
                         String details, String to, Author who, boolean pretend) {
        Optional<String> warning = ownership(id, current, who);
        String stored = SyncOwnership.keepOwner(value, current, who);
        if (pretend) {
            return new Commit(id, details, 0, current, stored, warning);
        }
        TxnResult r = commit(id, current, Txn.builder().then(Op.put(keys.group(id), stored))
                .then(Op.delete(keys.free(id))), null);
        history.record(id, r.revision(), configHash, () -> Json.toTree(spec), who, null);
        log.info("{} committed {}{} (revision {}): {}", who, id, to, r.revision(), details);
        recorded(id, EventKind.COMMIT, who, "committed" + to + " (revision " + r.revision() + "): " + details);
        return new Commit(id, details, r.revision(), current, stored, warning);
    }

    /** The stored spec, unless it is no longer the one the caller edited ({@code basedOn}, see {@link #AS_READ}). */
    private Optional<StoredSpec> readAsEdited(String id, long basedOn) {
        Optional<StoredSpec> current = read(id);
        long read = current.map(StoredSpec::modRevision).orElse(0L);
        if (basedOn != AS_READ && read != basedOn) {
            throw WriteException.conflict(id, basedOn, read);
        }
        return current;
    }

    /** Deletes the spec (and any free marker): the leader then destroys the group's instances. */
    public Optional<String> destroy(String id, Author who) {
        StoredSpec current = watched(id);
        Optional<String> warning = ownership(id, Optional.of(current), who);
        commit(id, Optional.of(current), Txn.builder().then(Op.delete(keys.group(id))).then(Op.delete(keys.free(id))),
                null);
        log.info("{} deleted the spec of {}: its instances are destroyed", who, id);
        recorded(id, EventKind.DELETE, who, "spec deleted: its instances are destroyed");
        return warning;
    }

    /**
     * Forgets a group whose instances cannot be destroyed (its instance plugin is gone for good): deletes its spec,
     * status and pause marker, and writes its free marker so no replica tries to destroy them again. Whatever
     * instances the plugin still has are left as they are, unmanaged. Committing the ID again starts afresh.
     */
    public Optional<String> forget(String id, Author who) {
        Optional<StoredSpec> current = read(id);
        if (current.isEmpty() && store.get(keys.status(id)).isEmpty()) {
            throw WriteException.notWatched(id);
        }
        Optional<String> warning = ownership(id, current, who);
        String marker = "{\"Since\":\"" + clock.instant() + "\",\"Reason\":\"forgotten\"}";
        commit(id, current, Txn.builder().then(Op.delete(keys.group(id))).then(Op.delete(keys.status(id)))
                .then(Op.delete(keys.pause(id))).then(Op.put(keys.free(id), marker)), null);
        log.info("{} forgot {}: its instances, if any are left, are no longer managed", who, id);
        recorded(id, EventKind.FREE, who, "forgotten: spec and status deleted, its instances (if any are left) "
                + "not destroyed");
        return warning;
    }

    /** Writes the free marker: the spec stays; no replica acts on the group until it is committed again. */
    public void free(String id, Author who) {
        StoredSpec current = watched(id);
        if (isFree(id)) {
            throw WriteException.notWatched(id);
        }
        String marker = "{\"Since\":\"" + clock.instant() + "\"}";
        TxnResult r = store.commit(Txn.builder().when(Compare.modRevision(keys.group(id), current.modRevision()))
                .when(Compare.absent(keys.free(id))).then(Op.put(keys.free(id), marker)).build());
        if (!r.succeeded()) {
            throw isFree(id) ? WriteException.notWatched(id) : conflict(id, current.modRevision());
        }
        log.info("{} freed {}", who, id);
        recorded(id, EventKind.FREE, who, "freed: no longer managed, its instances are left alone");
    }

    /** Pauses the group's rolling update (it still self-heals). */
    public void pause(String id, Author who) {
        StoredSpec current = watched(id);
        commit(id, Optional.of(current), Txn.builder().then(Op.put(keys.pause(id),
                PauseMarker.byUser(clock.instant()).toJson())), null);
        log.info("{} paused the update of {}", who, id);
        recorded(id, EventKind.PAUSE, who, "rolling update paused");
    }

    /** Resumes the group's rolling update, also after a failure paused it. */
    public void resume(String id, Author who) {
        StoredSpec current = watched(id);
        commit(id, Optional.of(current), Txn.builder().then(Op.delete(keys.pause(id))), null);
        log.info("{} resumed the update of {}", who, id);
        recorded(id, EventKind.RESUME, who, "rolling update resumed");
    }

    /** Commits the group's previous spec (the newest recorded one at another config), and resumes its update. */
    public Rollback rollback(String id, Author who) {
        return rollback(id, 0, who);
    }

    /**
     * Commits the spec recorded at {@code revision} (0: the previous spec, the newest recorded one at another
     * config), and resumes the group's update.
     */
    public Rollback rollback(String id, long revision, Author who) {
        StoredSpec current = watched(id);
        String currentSha = configHash(id, current);
        SpecHistory.Entry prev = SpecHistory.target(id, history.entries(id), current.modRevision(), currentSha,
                revision);
        Optional<String> warning = ownership(id, Optional.of(current), who);
        long written = restore(id, current, prev, Txn.builder().then(Op.delete(keys.pause(id))), who, null);
        log.info("{} rolled {} back to the spec of revision {}", who, id, prev.revision());
        recorded(id, EventKind.ROLLBACK, who, "rolled back to the spec of revision " + prev.revision() + " (config "
                + prev.configSha() + "), now revision " + written);
        return new Rollback(id, prev.revision(), prev.configSha(), written, warning);
    }

    /** The writes the leader makes on its own: its history of specs, a failed update's rollback or pause. */
    public LeaderWrites forLeader() {
        return new LeaderWrites(this, store, keys, clock);
    }

    /** Several group writes in one transaction, for GitOps sync. */
    public SpecBatch batch(Author who) {
        return new SpecBatch(this, store, who);
    }

    /** The spec checked as every spec written is (see {@link SpecChecks}); {@code id}: the key's ID, if known. */
    GroupDefinition validate(String id, String json) {
        return checks.validate(id, json);
    }

    /** The ownership rule: refuses another source's group to a sync; otherwise warns when the group is synced. */
    Optional<String> ownership(String id, Optional<StoredSpec> current, Author who) {
        return owners.check(id, current, who);
    }

    /** Commits a recorded spec again (validated as a new one), guarded on the spec as read. */
    long restore(String id, StoredSpec current, SpecHistory.Entry entry, Txn.Builder more, Author who,
                         LeaderTerm term) {
        GroupDefinition def = validate(id, Json.write(entry.spec()));
        String value = SyncOwnership.keepOwner(GroupSpecs.toJson(def.spec()), Optional.of(current),
                Author.CONTROLLER);
        TxnResult r = commit(id, Optional.of(current), more.then(Op.put(keys.group(id), value)), term);
        history.record(id, r.revision(), def.configHash(), entry::spec, who, term);
        return r.revision();
    }

    /** Reports a write done to the events log. */
    void recorded(String id, EventKind kind, Author who, String message) {
        events.record(Event.of(clock.instant(), id, kind, null, who.actor(), message));
    }

    /** Commits the writes guarded on the spec as read (absent: still absent); a moved spec is a conflict. */
    private TxnResult commit(String id, Optional<StoredSpec> current, Txn.Builder txn, LeaderTerm term) {
        long read = current.map(StoredSpec::modRevision).orElse(0L);
        Txn guarded = txn.when(read == 0 ? Compare.absent(keys.group(id)) : Compare.modRevision(keys.group(id), read))
                .build();
        TxnResult r = store.commit(term == null ? guarded : term.fence(guarded));
        if (!r.succeeded()) {
            throw conflict(id, read);
        }
        return r;
    }

    private WriteException conflict(String id, long read) {
        return WriteException.conflict(id, read, store.get(keys.group(id)).map(KeyValue::modRevision).orElse(0L));
    }

    private StoredSpec watched(String id) {
        return read(id).orElseThrow(() -> WriteException.notWatched(id));
    }

    private static String configHash(String id, StoredSpec current) {
        try {
            return SpecValidator.parse(id, current.value(), current.modRevision()).configHash();
        } catch (SpecException e) {
            return ""; // an invalid spec: any recorded one is another config
        }
    }
}
