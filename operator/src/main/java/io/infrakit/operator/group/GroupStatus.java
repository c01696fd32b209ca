package io.infrakit.operator.group;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.infrakit.plugins.json.Json;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the leader last saw of a group, stored as JSON at {@code <prefix>/status/<ID>}; immutable, built by name
 * ({@link #builder}, {@link #toBuilder}). It holds no timestamps that change on every pass, so an unchanged group
 * writes nothing. {@code Converged} is derived from the state.
 *
 * <p>Fields: {@code desired} and {@code observed} instances ({@code observed} null when the instance plugin could
 * not be asked: unknown, never an old count); {@code outOfDate} instances whose config differs from the spec's (a
 * rolling update replaces them); {@code specRevision} the etcd mod revision of the spec this status reflects;
 * {@code instancePlugin} the group's instance plugin (lets a restarted leader clean up a group deleted while no
 * leader ran); {@code groupPlugin} the group plugin that holds a delegated group (its spec names it; its
 * {@code DescribeGroup} gives the instances and whether it converged; {@code desired} is then unknown, 0);
 * {@code update} the rolling update, once the group has had one; {@code crashLoop} the brake on replacements while
 * instances vanish soon after they are made; {@code rolledBack} the update that failed and was rolled back (kept
 * until the next commit); {@code error} the last error; {@code notes} what the group's flavor did on its own lately
 * (a swarm manager it removed), oldest first; {@code warnings} what is odd about the spec though it is served
 * (keys nothing reads, most often typos).
 */
@JsonPropertyOrder({"ID", "Desired", "Observed", "Converged", "State", "OutOfDate", "ConfigSHA", "SpecRevision",
        "InstancePlugin", "GroupPlugin", "Update", "CrashLoop", "RolledBack", "Error", "Notes",
        "Warnings"})
@JsonDeserialize(builder = GroupStatusBuilder.class)
public final class GroupStatus {

    /** The last error, with the time it was first seen (kept while the same error repeats). */
    @JsonPropertyOrder({"Message", "Since"})
    public record LastError(@JsonProperty("Message") String message, @JsonProperty("Since") String since) {

        /** The error {@code message} now: since {@code now}, or since when {@code previous} first said the same. */
        public static LastError of(String message, GroupStatus previous, Instant now) {
            LastError was = previous == null ? null : previous.error();
            return was != null && was.message().equals(message) ? was : new LastError(message, now.toString());
        }
    }

    /**
     * Replacements held back: instances vanished soon after their Provision, {@code restarts} times in a row.
     *
     * @param nextAttempt when the next replacement is made; null while a failed update holds them (resume or commit)
     * @param reason      the last quick exit: which instance, how soon after it was made
     */
    @JsonPropertyOrder({"Restarts", "NextAttempt", "Reason"})
    public record CrashLoop(@JsonProperty("Restarts") long restarts, @JsonProperty("NextAttempt") String nextAttempt,
                            @JsonProperty("Reason") String reason) {
    }

    /**
     * A rolling update that failed and was rolled back by its policy ({@code OnFailure: rollback}).
     *
     * @param failedRevision the spec revision whose update failed
     * @param targetSha      the config it was rolling to
     * @param reason         why it failed (the failing instance, when one was)
     * @param revision       the spec revision the rollback wrote (the status keeps this record while it is current)
     * @param since          when it was rolled back
     */
    @JsonPropertyOrder({"FailedRevision", "TargetSHA", "Reason", "Revision", "Since"})
    public record RolledBack(@JsonProperty("FailedRevision") long failedRevision,
                             @JsonProperty("TargetSHA") String targetSha, @JsonProperty("Reason") String reason,
                             @JsonProperty("Revision") long revision, @JsonProperty("Since") String since) {
    }

    private final String id;
    private final GroupState state;
    private final long desired;
    private final Long observed;
    private final long outOfDate;
    private final String configSha;
    private final long specRevision;
    private final String instancePlugin;
    private final String groupPlugin;
    private final UpdateProgress update;
    private final CrashLoop crashLoop;
    private final RolledBack rolledBack;
    private final LastError error;
    private final List<String> notes;
    private final List<String> warnings;

    GroupStatus(String id, GroupState state, long desired, Long observed, long outOfDate, String configSha,
                long specRevision, String instancePlugin, String groupPlugin, UpdateProgress update,
                CrashLoop crashLoop, RolledBack rolledBack, LastError error, List<String> notes,
                List<String> warnings) {
        this.id = Objects.requireNonNull(id, "id");
        this.state = Objects.requireNonNull(state, "state");
        this.desired = desired;
        this.observed = observed;
        this.outOfDate = outOfDate;
        this.configSha = configSha;
        this.specRevision = specRevision;
        this.instancePlugin = instancePlugin;
        this.groupPlugin = groupPlugin;
        this.update = update;
        this.crashLoop = crashLoop;
        this.rolledBack = rolledBack;
        this.error = error;
        this.notes = notes == null ? List.of() : List.copyOf(notes);
        this.warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    public static GroupStatusBuilder builder(String id) {
        return new GroupStatusBuilder().id(id);
    }

    public GroupStatusBuilder toBuilder() {
        return builder(id).state(state).desired(desired).observedOrNull(observed).outOfDate(outOfDate)
                .configSha(configSha).specRevision(specRevision).instancePlugin(instancePlugin)
                .groupPlugin(groupPlugin).update(update).crashLoop(crashLoop).rolledBack(rolledBack).error(error)
                .notes(notes).warnings(warnings);
    }

    @JsonProperty("ID")
    public String id() {
        return id;
    }

    @JsonProperty("Desired")
    public long desired() {
        return desired;
    }

    /** Instances the plugin listed; null when it could not be asked (unknown). */
    @JsonProperty("Observed")
    public Long observed() {
        return observed;
    }

    @JsonProperty("Converged")
    public boolean converged() {
        return state.converged();
    }

    @JsonProperty("State")
    public GroupState state() {
        return state;
    }

    @JsonProperty("OutOfDate")
    public long outOfDate() {
        return outOfDate;
    }

    @JsonProperty("ConfigSHA")
    public String configSha() {
        return configSha;
    }

    @JsonProperty("SpecRevision")
    public long specRevision() {
        return specRevision;
    }

    @JsonProperty("InstancePlugin")
    public String instancePlugin() {
        return instancePlugin;
    }

    @JsonProperty("GroupPlugin")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public String groupPlugin() {
        return groupPlugin;
    }

    @JsonProperty("Update")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public UpdateProgress update() {
        return update;
    }

    @JsonProperty("CrashLoop")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public CrashLoop crashLoop() {
        return crashLoop;
    }

    @JsonProperty("RolledBack")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public RolledBack rolledBack() {
        return rolledBack;
    }

    @JsonProperty("Error")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public LastError error() {
        return error;
    }

    /**
     * What needs attention, in one line (the {@code ERROR} column of {@code group ls}): the error, else the failed
     * update, the crash loop or the rollback; null when nothing does.
     */
    @JsonIgnore
    public String problem() {
        if (error != null) {
            return error.message();
        }
        if (update != null && update.state() == UpdateState.FAILED) {
            return "update failed: " + update.reason();
        }
        if (crashLoop != null) {
            return "crash loop: " + crashLoop.reason() + "; " + crashLoop.restarts() + " restarts, "
                    + (crashLoop.nextAttempt() == null ? "held until the update is resumed or a spec committed"
                    : "next attempt at " + crashLoop.nextAttempt());
        }
        if (rolledBack != null) {
            return "update to " + rolledBack.targetSha() + " (revision " + rolledBack.failedRevision()
                    + ") rolled back: " + rolledBack.reason();
        }
        return null;
    }

    /** What needs attention, else the spec's warnings, in one line; null when there is nothing to say. */
    @JsonIgnore
    public String attention() {
        String problem = problem();
        return problem != null || warnings.isEmpty() ? problem : "warning: " + String.join("; ", warnings);
    }

    @JsonProperty("Notes")
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public List<String> notes() {
        return notes;
    }

    @JsonProperty("Warnings")
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public List<String> warnings() {
        return warnings;
    }

    /** The JSON stored at {@code <prefix>/status/<ID>}. */
    public String toJson() {
        return Json.write(this);
    }

    /** A stored status; empty when the value is not one this version can read. */
    public static Optional<GroupStatus> fromJson(String json) {
        try {
            return Optional.of(Json.mapper().readValue(json, GroupStatus.class));
        } catch (JsonProcessingException | IllegalArgumentException | NullPointerException e) {
            return Optional.empty();
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GroupStatus s && id.equals(s.id) && state == s.state && desired == s.desired
                && Objects.equals(observed, s.observed) && outOfDate == s.outOfDate
                && Objects.equals(configSha, s.configSha) && specRevision == s.specRevision
                && Objects.equals(instancePlugin, s.instancePlugin) && Objects.equals(groupPlugin, s.groupPlugin)
                && Objects.equals(update, s.update) && Objects.equals(crashLoop, s.crashLoop)
                && Objects.equals(rolledBack, s.rolledBack) && Objects.equals(error, s.error) && notes.equals(s.notes)
                && warnings.equals(s.warnings);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, state, desired, observed, outOfDate, configSha, specRevision, instancePlugin,
                groupPlugin, update, crashLoop, rolledBack, error, notes, warnings);
    }

    @Override
    public String toString() {
        return "GroupStatus[" + id + " " + state + " " + (observed == null ? "?" : observed) + "/" + desired
                + ", outOfDate " + outOfDate + ", revision " + specRevision
                + (groupPlugin == null ? "" : ", group plugin " + groupPlugin) + (update == null ? "" : ", " + update)
                + (crashLoop == null ? "" : ", " + crashLoop) + (rolledBack == null ? "" : ", " + rolledBack)
                + (error == null ? "" : ", error " + error.message()) + "]";
    }
}
