package io.infrakit.operator.status;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.infrakit.operator.update.UpdateProgress;
import java.util.List;

/**
 * What the leader last saw of a group, stored as JSON at {@code <prefix>/status/<ID>}. It holds no timestamps that
 * change on every pass, so an unchanged group writes nothing.
 *
 * @param state          converged, converging, error, free or deleting
 * @param outOfDate      instances whose config differs from the spec's (to be replaced by a rolling update)
 * @param specRevision   the etcd mod revision of the spec this status reflects
 * @param instancePlugin the instance plugin the group uses: lets a restarted leader clean up a group deleted while
 *                       no leader ran
 * @param update         the rolling update, once the group has had one
 * @param notes          what the group's flavor did on its own lately (a swarm manager it removed), oldest first
 */
@JsonPropertyOrder({"ID", "Desired", "Observed", "Converged", "State", "OutOfDate", "ConfigSHA", "SpecRevision",
        "InstancePlugin", "Update", "Error", "Notes"})
@JsonIgnoreProperties(ignoreUnknown = true)
public record GroupStatus(
        @JsonProperty("ID") String id,
        @JsonProperty("Desired") long desired,
        @JsonProperty("Observed") long observed,
        @JsonProperty("Converged") boolean converged,
        @JsonProperty("State") String state,
        @JsonProperty("OutOfDate") long outOfDate,
        @JsonProperty("ConfigSHA") String configSha,
        @JsonProperty("SpecRevision") long specRevision,
        @JsonProperty("InstancePlugin") String instancePlugin,
        @JsonProperty("Update") @JsonInclude(JsonInclude.Include.NON_NULL) UpdateProgress update,
        @JsonProperty("Error") @JsonInclude(JsonInclude.Include.NON_NULL) LastError error,
        @JsonProperty("Notes") @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> notes) {

    public static final String CONVERGED = "converged";
    public static final String CONVERGING = "converging";
    public static final String ERROR = "error";
    public static final String FREE = "free";
    public static final String DELETING = "deleting";

    public GroupStatus {
        notes = notes == null ? List.of() : List.copyOf(notes);
    }

    /** A status without notes. */
    public GroupStatus(String id, long desired, long observed, boolean converged, String state, long outOfDate,
                       String configSha, long specRevision, String instancePlugin, UpdateProgress update,
                       LastError error) {
        this(id, desired, observed, converged, state, outOfDate, configSha, specRevision, instancePlugin, update, error,
                null);
    }

    /** The last error, with the time it was first seen (kept while the same error repeats). */
    @JsonPropertyOrder({"Message", "Since"})
    public record LastError(@JsonProperty("Message") String message, @JsonProperty("Since") String since) {
    }

    public GroupStatus withError(LastError e) {
        return new GroupStatus(id, desired, observed, converged && e == null, e == null ? state : ERROR, outOfDate,
                configSha, specRevision, instancePlugin, update, e, notes);
    }

    public GroupStatus withNotes(List<String> n) {
        return new GroupStatus(id, desired, observed, converged, state, outOfDate, configSha, specRevision,
                instancePlugin, update, error, n);
    }

    public GroupStatus withUpdate(UpdateProgress u) {
        boolean done = u == null || UpdateProgress.DONE.equals(u.state());
        return new GroupStatus(id, desired, observed, converged && done, converged && done ? state : CONVERGING,
                outOfDate, configSha, specRevision, instancePlugin, u, error, notes);
    }
}
