package io.infrakit.operator.group;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonPOJOBuilder;
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
 * <p>Fields: {@code desired} and {@code observed} instances; {@code outOfDate} instances whose config differs from
 * the spec's (a rolling update replaces them); {@code specRevision} the etcd mod revision of the spec this status
 * reflects; {@code instancePlugin} the group's instance plugin (lets a restarted leader clean up a group deleted
 * while no leader ran); {@code groupPlugin} the group plugin that holds a delegated group (its spec names it; its
 * {@code DescribeGroup} gives the instances and whether it converged; {@code desired} is then unknown, 0);
 * {@code update} the rolling update, once the group has had one; {@code error} the last error;
 * {@code notes} what the group's flavor did on its own lately (a swarm manager it removed), oldest first.
 */
@JsonPropertyOrder({"ID", "Desired", "Observed", "Converged", "State", "OutOfDate", "ConfigSHA", "SpecRevision",
        "InstancePlugin", "GroupPlugin", "Update", "Error", "Notes"})
@JsonDeserialize(builder = GroupStatus.Builder.class)
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

    private final String id;
    private final GroupState state;
    private final long desired;
    private final long observed;
    private final long outOfDate;
    private final String configSha;
    private final long specRevision;
    private final String instancePlugin;
    private final String groupPlugin;
    private final UpdateProgress update;
    private final LastError error;
    private final List<String> notes;

    private GroupStatus(Builder b) {
        this.id = Objects.requireNonNull(b.id, "id");
        this.state = Objects.requireNonNull(b.state, "state");
        this.desired = b.desired;
        this.observed = b.observed;
        this.outOfDate = b.outOfDate;
        this.configSha = b.configSha;
        this.specRevision = b.specRevision;
        this.instancePlugin = b.instancePlugin;
        this.groupPlugin = b.groupPlugin;
        this.update = b.update;
        this.error = b.error;
        this.notes = b.notes == null ? List.of() : List.copyOf(b.notes);
    }

    public static Builder builder(String id) {
        return new Builder().id(id);
    }

    public Builder toBuilder() {
        return builder(id).state(state).desired(desired).observed(observed).outOfDate(outOfDate).configSha(configSha)
                .specRevision(specRevision).instancePlugin(instancePlugin).groupPlugin(groupPlugin).update(update)
                .error(error).notes(notes);
    }

    @JsonProperty("ID")
    public String id() {
        return id;
    }

    @JsonProperty("Desired")
    public long desired() {
        return desired;
    }

    @JsonProperty("Observed")
    public long observed() {
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

    @JsonProperty("Error")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public LastError error() {
        return error;
    }

    @JsonProperty("Notes")
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public List<String> notes() {
        return notes;
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
                && observed == s.observed && outOfDate == s.outOfDate && Objects.equals(configSha, s.configSha)
                && specRevision == s.specRevision && Objects.equals(instancePlugin, s.instancePlugin)
                && Objects.equals(groupPlugin, s.groupPlugin)
                && Objects.equals(update, s.update) && Objects.equals(error, s.error) && notes.equals(s.notes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, state, desired, observed, outOfDate, configSha, specRevision, instancePlugin,
                groupPlugin, update, error, notes);
    }

    @Override
    public String toString() {
        return "GroupStatus[" + id + " " + state + " " + observed + "/" + desired + ", outOfDate " + outOfDate
                + ", revision " + specRevision + (groupPlugin == null ? "" : ", group plugin " + groupPlugin)
                + (update == null ? "" : ", " + update)
                + (error == null ? "" : ", error " + error.message()) + "]";
    }

    /** Builds a status by name; {@code id} and {@code state} are required. Also reads the stored JSON. */
    @JsonPOJOBuilder(withPrefix = "")
    @JsonIgnoreProperties(value = "Converged", ignoreUnknown = true)
    public static final class Builder {
        private String id;
        private GroupState state;
        private long desired;
        private long observed;
        private long outOfDate;
        private String configSha;
        private long specRevision;
        private String instancePlugin;
        private String groupPlugin;
        private UpdateProgress update;
        private LastError error;
        private List<String> notes;

        private Builder() {
        }

        @JsonProperty("ID")
        public Builder id(String v) {
            id = v;
            return this;
        }

        @JsonProperty("State")
        public Builder state(GroupState v) {
            state = v;
            return this;
        }

        @JsonProperty("Desired")
        public Builder desired(long v) {
            desired = v;
            return this;
        }

        @JsonProperty("Observed")
        public Builder observed(long v) {
            observed = v;
            return this;
        }

        @JsonProperty("OutOfDate")
        public Builder outOfDate(long v) {
            outOfDate = v;
            return this;
        }

        @JsonProperty("ConfigSHA")
        public Builder configSha(String v) {
            configSha = v;
            return this;
        }

        @JsonProperty("SpecRevision")
        public Builder specRevision(long v) {
            specRevision = v;
            return this;
        }

        @JsonProperty("InstancePlugin")
        public Builder instancePlugin(String v) {
            instancePlugin = v;
            return this;
        }

        @JsonProperty("GroupPlugin")
        public Builder groupPlugin(String v) {
            groupPlugin = v;
            return this;
        }

        @JsonProperty("Update")
        public Builder update(UpdateProgress v) {
            update = v;
            return this;
        }

        @JsonProperty("Error")
        public Builder error(LastError v) {
            error = v;
            return this;
        }

        @JsonProperty("Notes")
        public Builder notes(List<String> v) {
            notes = v;
            return this;
        }

        public GroupStatus build() {
            return new GroupStatus(this);
        }
    }
}
