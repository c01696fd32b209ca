package io.infrakit.operator.controller;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.operator.Keys;
import io.infrakit.operator.election.LeaderTerm;
import io.infrakit.operator.group.GroupDefinition;
import io.infrakit.operator.group.Plan;
import io.infrakit.operator.group.Planner;
import io.infrakit.operator.group.RollingUpdater;
import io.infrakit.operator.group.UpdatePolicy;
import io.infrakit.operator.group.UpdateProgress;
import io.infrakit.operator.write.SpecHistory;
import io.infrakit.plugins.PluginLookup;
import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.spi.Allocation;
import io.infrakit.plugins.spi.FlavorPlugin;
import io.infrakit.plugins.spi.Health;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.store.Compare;
import io.infrakit.store.Op;
import io.infrakit.store.Store;
import io.infrakit.store.Txn;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The I/O side of rolling updates for the reconciler: asks the flavor about health, runs {@link RollingUpdater},
 * folds its batch into the plan, and carries out the failure action (pause, or roll back to the previous spec).
 */
public final class RollingUpdates {

    /** The plan for this pass (size and update together) and the updater's decision. */
    public record Step(Plan plan, RollingUpdater.Decision decision) {
    }

    private static final Logger log = LoggerFactory.getLogger(RollingUpdates.class);

    private final Store store;
    private final Keys keys;
    private final PluginLookup plugins;
    private final SpecHistory history;
    private final Clock clock;
    /** Since when every gated instance of a group has been healthy (in memory: a new leader starts again). */
    private final Map<String, Instant> healthySince = new ConcurrentHashMap<>();
    /** Configs we rolled back to automatically: if one of them fails too, pause rather than roll back again. */
    private final Set<String> rolledBackTo = ConcurrentHashMap.newKeySet();

    public RollingUpdates(Store store, Keys keys, PluginLookup plugins, Clock clock) {
        this.store = store;
        this.keys = keys;
        this.plugins = plugins;
        this.history = new SpecHistory(store, keys);
        this.clock = clock;
    }

    /** Keeps the spec in the group's history, once per revision. */
    public void remember(GroupDefinition group, LeaderTerm term) {
        if (!history.has(group.id(), group.revision())) {
            history.record(group.id(), group.revision(), group.configHash(), Json.toTree(group.spec()), term);
        }
    }

    public Step step(GroupDefinition group, List<InstanceDescription> observed, UpdateProgress previous,
                     String pauseMarker, LeaderTerm term) {
        String id = group.id();
        Map<String, Health> health = Map.of();
        if (RollingUpdater.needsHealth(group.configHash(), observed, previous)) {
            health = health(group, RollingUpdater.gated(group.allocation(), group.configHash(), observed), term);
        }
        Instant now = clock.instant();
        Marker pause = Marker.parse(pauseMarker);
        if (pause != null && pause.byController() && !group.configHash().equals(pause.targetSha())) {
            pause = null; // a failure of an older target: a new spec is a new update
        }
        RollingUpdater.Decision d = RollingUpdater.decide(new RollingUpdater.Input(group.update(),
                group.allocation(), group.configHash(), observed, health, previous, pause == null ? null
                : pause.reason(), pause != null && pause.byController(), now, healthySince.get(id)));
        if (!d.replace().isEmpty() || !d.ready()) {
            healthySince.remove(id);
        } else {
            healthySince.putIfAbsent(id, now);
        }
        List<InstanceDescription> remaining = observed.stream().filter(o -> !d.replace().contains(o)).toList();
        Allocation size = group.allocation().isPets() ? group.allocation() : Allocation.ofSize(d.effectiveSize());
        Plan plan = Planner.plan(size, group.configHash(), remaining).plus(d.replace().stream()
                .map(r -> new Plan.Destroy(r, "rolling update to " + group.configHash(), true,
                        !group.update().skipDrain()))
                .toList());
        if (!d.replace().isEmpty()) {
            log.info("rolling update batch {}: replacing {}", d.progress().batch(),
                    d.replace().stream().map(InstanceDescription::id).toList());
        }
        return new Step(plan, d);
    }

    /** The batch failed: pause the update, or commit the previous spec when the policy says roll back. */
    public void fail(GroupDefinition group, String failure, LeaderTerm term) {
        String id = group.id();
        if (group.update().onFailure() == UpdatePolicy.OnFailure.ROLLBACK && !rolledBackTo.contains(group.configHash())) {
            Optional<SpecHistory.Entry> prev = SpecHistory.previous(history.entries(id), group.revision(),
                    group.configHash());
            if (prev.isPresent()) {
                log.warn("rolling update failed ({}); rolling back to the spec of revision {}", failure,
                        prev.get().revision());
                Txn txn = term.fence(Txn.builder().when(Compare.modRevision(keys.group(id), group.revision()))
                        .then(Op.put(keys.group(id), Json.write(prev.get().spec()))).build());
                if (store.commit(txn).succeeded()) {
                    rolledBackTo.add(prev.get().configSha());
                }
                return;
            }
            failure = failure + " (no previous spec to roll back to)";
        }
        log.warn("rolling update paused: {}", failure);
        // Only if the spec is still the one that failed: a rollback or a new commit meanwhile wins.
        Txn txn = term.fence(Txn.builder().when(Compare.modRevision(keys.group(id), group.revision()))
                .then(Op.put(keys.pause(id), Marker.byController(failure, group.configHash(), clock.instant())))
                .build());
        store.commit(txn);
    }

    private Map<String, Health> health(GroupDefinition group, List<InstanceDescription> gated, LeaderTerm term) {
        FlavorPlugin flavor = plugins.flavor(group.properties().flavor().pluginName());
        JsonNode props = group.properties().flavor().properties();
        Map<String, Health> out = new HashMap<>();
        for (InstanceDescription d : gated) {
            term.checkActive();
            try {
                out.put(d.id(), flavor.healthy(props, d));
            } catch (RuntimeException e) {
                log.debug("health of {} unknown: {}", d.id(), e.getMessage());
                out.put(d.id(), Health.UNKNOWN);
            }
        }
        return out;
    }

    public void forget(String id) {
        healthySince.remove(id);
        history.forget(id);
    }

    public void clear() {
        healthySince.clear();
        history.clear();
    }

    /** The value of a pause key: who paused and why (and, for a failure, which target failed). */
    record Marker(String reason, boolean byController, String targetSha) {

        static Marker parse(String json) {
            if (json == null) {
                return null;
            }
            try {
                JsonNode n = Json.parse(json);
                String reason = n.path("Reason").asText("paused");
                return new Marker(reason.isEmpty() ? "paused" : reason, "controller".equals(n.path("By").asText()),
                        n.path("TargetSHA").asText(null));
            } catch (RuntimeException e) {
                return new Marker("paused", false, null);
            }
        }

        static String byController(String reason, String targetSha, Instant when) {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("Reason", reason);
            m.put("By", "controller");
            m.put("TargetSHA", targetSha);
            m.put("Since", when.toString());
            return Json.write(m);
        }
    }
}
