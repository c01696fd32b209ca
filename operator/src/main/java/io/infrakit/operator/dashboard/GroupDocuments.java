package io.infrakit.operator.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.infrakit.operator.dashboard.ClusterView.Kind;
import io.infrakit.operator.events.Event;
import io.infrakit.operator.group.FieldChange;
import io.infrakit.operator.group.GroupDefinition;
import io.infrakit.operator.group.GroupState;
import io.infrakit.operator.group.JsonDiff;
import io.infrakit.operator.group.PauseMarker;
import io.infrakit.operator.group.SpecException;
import io.infrakit.operator.group.SpecValidator;
import io.infrakit.operator.write.StoredSpec;
import io.infrakit.plugins.json.Json;
import io.infrakit.store.KeyValue;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The JSON documents the dashboard's pages are drawn from, made from the {@link ClusterView}: a row per group (the
 * list), a group's page, and the diff of two of its specs. Statuses, markers and history entries are passed on as
 * stored, field for field, so a field or a state added to them later shows without a change here.
 */
final class GroupDocuments {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final ClusterView view;
    /** The spec last parsed per group, with its revision: a status change does not parse the spec again. */
    private final Map<String, ParsedSpec> parsed = new ConcurrentHashMap<>();

    GroupDocuments(ClusterView view) {
        this.view = view;
    }

    /** A spec key read: its definition, or why it is not valid. */
    private record ParsedSpec(long revision, GroupDefinition definition, String error) {
    }

    /** Every state a status can name, with what it means, for the list's counts and colours. */
    static ArrayNode states() {
        ArrayNode out = NODES.arrayNode();
        for (GroupState s : GroupState.values()) {
            out.addObject().put("Name", s.wireName()).put("Converged", s.converged()).put("Problem", s.problem());
        }
        return out;
    }

    /** The group's row in the list; null when the group has neither a spec nor a status. */
    ObjectNode row(String id) {
        Optional<KeyValue> spec = view.get(Kind.SPEC, id);
        Optional<KeyValue> status = view.get(Kind.STATUS, id);
        if (spec.isEmpty() && status.isEmpty()) {
            parsed.remove(id);
            return null;
        }
        ObjectNode row = NODES.objectNode().put("ID", id);
        if (spec.isPresent()) {
            KeyValue kv = spec.get();
            ParsedSpec p = parse(id, kv);
            ObjectNode s = row.putObject("Spec").put("Revision", kv.modRevision());
            s.put("Owner", StoredSpec.of(id, kv).owner());
            if (p.definition() != null) {
                s.put("Desired", p.definition().desired()).put("ConfigSHA", p.definition().configHash());
            } else {
                s.put("Error", p.error());
            }
        } else {
            row.putNull("Spec");
        }
        row.set("Status", status.map(kv -> document(kv.value())).orElse(NODES.nullNode()));
        row.set("Pause", view.get(Kind.PAUSE, id).map(kv -> Json.toTree(PauseMarker.parse(kv.value())))
                .orElse(NODES.nullNode()));
        row.set("Free", view.get(Kind.FREE, id).map(kv -> document(kv.value())).orElse(NODES.nullNode()));
        return row;
    }

    /** A group's page: its row, the spec as stored (pretty), and its recorded specs (without their bodies). */
    ObjectNode group(String id) {
        ObjectNode row = row(id);
        if (row == null) {
            return null;
        }
        Optional<KeyValue> spec = view.get(Kind.SPEC, id);
        if (spec.isPresent()) {
            ObjectNode s = (ObjectNode) row.get("Spec");
            s.put("Value", pretty(spec.get().value()));
            s.put("OwnerPath", StoredSpec.of(id, spec.get()).ownerPath());
        }
        ArrayNode history = row.putArray("History");
        for (JsonNode entry : history(id)) {
            if (entry.isObject()) {
                ObjectNode e = ((ObjectNode) entry).deepCopy();
                e.remove("Spec");
                history.add(e);
            }
        }
        return row;
    }

    /**
     * The group's recent events from the events log, oldest first; they outlast the group for a while, as the log
     * keeps them. Null when there is neither the group nor any event of it.
     */
    ObjectNode events(String id) {
        List<Event> events = view.events(id);
        if (events.isEmpty() && view.get(Kind.SPEC, id).isEmpty() && view.get(Kind.STATUS, id).isEmpty()) {
            return null;
        }
        ObjectNode out = NODES.objectNode().put("ID", id);
        out.set("Events", Json.toTree(events));
        return out;
    }

    /**
     * The field-level diff from one of the group's specs to another: a recorded revision, or {@code current} (the
     * spec stored now). Null when either is unknown.
     */
    ObjectNode diff(String id, String from, String to) {
        JsonNode a = specAt(id, from);
        JsonNode b = specAt(id, to);
        if (a == null || b == null) {
            return null;
        }
        ObjectNode out = NODES.objectNode().put("ID", id).put("From", from).put("To", to);
        ArrayNode changes = out.putArray("Changes");
        for (FieldChange c : JsonDiff.diff(a, b)) {
            changes.addObject().put("Path", c.path()).put("Line", c.describe())
                    .put("Op", c.live() == null ? "add" : c.source() == null ? "remove" : "change");
        }
        return out;
    }

    private JsonNode specAt(String id, String at) {
        if ("current".equals(at)) {
            return view.get(Kind.SPEC, id).map(kv -> parseOrNull(kv.value())).orElse(null);
        }
        long revision;
        try {
            revision = Long.parseLong(at);
        } catch (NumberFormatException e) {
            return null;
        }
        for (JsonNode entry : history(id)) {
            if (entry.path("Revision").asLong(-1) == revision && entry.has("Spec")) {
                return entry.get("Spec");
            }
        }
        return null;
    }

    private JsonNode history(String id) {
        JsonNode entries = view.get(Kind.HISTORY, id).map(kv -> parseOrNull(kv.value())).orElse(null);
        return entries != null && entries.isArray() ? entries : NODES.arrayNode();
    }

    private ParsedSpec parse(String id, KeyValue kv) {
        ParsedSpec p = parsed.get(id);
        if (p != null && p.revision() == kv.modRevision()) {
            return p;
        }
        try {
            p = new ParsedSpec(kv.modRevision(), SpecValidator.parse(id, kv.value(), kv.modRevision()), null);
        } catch (SpecException e) {
            p = new ParsedSpec(kv.modRevision(), null, e.getMessage());
        }
        parsed.put(id, p);
        return p;
    }

    /** A stored JSON value as it is; a value that is not JSON is shown as text. */
    private static JsonNode document(String value) {
        JsonNode n = parseOrNull(value);
        return n != null ? n : NODES.objectNode().put("Unreadable", value);
    }

    private static String pretty(String value) {
        JsonNode n = parseOrNull(value);
        if (n == null) {
            return value;
        }
        try {
            return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(n);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return value;
        }
    }

    static JsonNode parseOrNull(String value) {
        try {
            return Json.parse(value);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
