package io.infrakit.operator.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.infrakit.operator.group.FieldChange;
import io.infrakit.operator.group.JsonDiff;
import io.infrakit.operator.write.Author;
import io.infrakit.operator.write.GroupWrites;
import io.infrakit.operator.write.StoredSpec;
import io.infrakit.operator.write.WriteException;
import io.infrakit.plugins.json.Json;
import java.util.Set;

/**
 * What the dashboard's buttons do: each is a call of {@link GroupWrites}, the one write path, with the same rules
 * (validation, compare-and-set, history, sync ownership) and the same words as the CLI. The person is the author.
 */
final class DashboardActions {

    /** The actions on one group, by the name in their URL ({@code POST api/groups/ID/NAME}). */
    static final Set<String> GROUP_ACTIONS = Set.of("pause", "resume", "rollback", "free", "destroy");

    private final GroupWrites writes;

    DashboardActions(GroupWrites writes) {
        this.writes = writes;
    }

    /** An action refused for what was asked (not for who asked). */
    static final class BadRequest extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadRequest(String message) {
            super(message);
        }
    }

    /**
     * Runs one group action.
     *
     * @param body the request's JSON body; {@code destroy} needs {@code {"Confirm": ID}}
     * @throws WriteException when the write path refuses it
     */
    ObjectNode run(String action, String id, JsonNode body, Author who) {
        ObjectNode out = JsonNodeFactory.instance.objectNode().put("ID", id).put("Action", action);
        switch (action) {
            case "pause" -> {
                writes.pause(id, who);
                out.put("Message", "Paused the rolling update of " + id + " (it still heals itself)");
            }
            case "resume" -> {
                writes.resume(id, who);
                out.put("Message", "Resumed the rolling update of " + id);
            }
            case "rollback" -> {
                GroupWrites.Rollback r = writes.rollback(id, who);
                out.put("Message", "Rolled " + id + " back to the spec of revision " + r.fromRevision()
                        + " (config " + r.configSha() + "), now revision " + r.revision());
                r.warning().ifPresent(w -> out.put("Warning", w));
            }
            case "free" -> {
                writes.free(id, who);
                out.put("Message", "Freed " + id + ": no longer managed, its instances are left alone");
            }
            case "destroy" -> {
                if (!id.equals(body.path("Confirm").asText(null))) {
                    throw new BadRequest("to destroy " + id + ", confirm with its ID");
                }
                writes.destroy(id, who).ifPresent(w -> out.put("Warning", w));
                out.put("Message", "Deleted the spec of " + id + ": its instances are being destroyed");
            }
            default -> throw new BadRequest("no such action: " + action);
        }
        return out;
    }

    /**
     * Validates and (unless pretending) commits a spec, guarded on the revision the editor read: {@code {"Spec":
     * TEXT or OBJECT, "Pretend": BOOL, "BasedOn": REVISION}} (no BasedOn: as stored now). Answers InfraKit's
     * details and the field diff, as {@code infrakit group commit --pretend} prints them.
     *
     * @throws WriteException when the write path refuses it (invalid, conflict, owned)
     */
    ObjectNode commit(JsonNode body, Author who) {
        JsonNode spec = body.get("Spec");
        if (spec == null || spec.isNull()) {
            throw new BadRequest("no Spec to commit");
        }
        String json = spec.isTextual() ? spec.asText() : Json.write(spec);
        boolean pretend = body.path("Pretend").asBoolean(false);
        long basedOn = body.hasNonNull("BasedOn") ? body.get("BasedOn").asLong() : GroupWrites.AS_READ;
        GroupWrites.Commit c = writes.commit(json, who, pretend, basedOn);
        ObjectNode out = JsonNodeFactory.instance.objectNode().put("ID", c.id()).put("Details", c.details())
                .put("Pretend", pretend).put("Revision", c.revision());
        out.put("Message", pretend ? "Committing " + c.id() + " would involve: " + c.details()
                : "Committed " + c.id() + ": " + c.details());
        var diff = out.putArray("Diff");
        for (FieldChange f : JsonDiff.values(c.previous().map(StoredSpec::value).orElse(null), c.written())) {
            diff.add(f.describe());
        }
        c.warning().ifPresent(w -> out.put("Warning", w));
        return out;
    }

    /** The HTTP status that says why the write path refused. */
    static int status(WriteException e) {
        return switch (e.reason()) {
            case NOT_WATCHED -> 404;
            case INVALID -> 400;
            case CONFLICT, NO_HISTORY -> 409;
            default -> 403; // owned by a sync source, or another rule of the write path
        };
    }
}
