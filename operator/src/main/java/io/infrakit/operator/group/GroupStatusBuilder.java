package io.infrakit.operator.group;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonPOJOBuilder;
import java.util.List;

/** Builds a {@link GroupStatus} by name; {@code id} and {@code state} are required. Also reads the stored JSON. */
@JsonPOJOBuilder(withPrefix = "")
@JsonIgnoreProperties(value = "Converged", ignoreUnknown = true)
public final class GroupStatusBuilder {

    private String id;
    private GroupState state;
    private long desired;
    private Long observed;
    private long outOfDate;
    private String configSha;
    private long specRevision;
    private String instancePlugin;
    private String groupPlugin;
    private UpdateProgress update;
    private GroupStatus.CrashLoop crashLoop;
    private GroupStatus.RolledBack rolledBack;
    private GroupStatus.LastError error;
    private List<String> notes;
    private List<String> warnings;

    GroupStatusBuilder() {
    }

    @JsonProperty("ID")
    public GroupStatusBuilder id(String v) {
        id = v;
        return this;
    }

    @JsonProperty("State")
    public GroupStatusBuilder state(GroupState v) {
        state = v;
        return this;
    }

    @JsonProperty("Desired")
    public GroupStatusBuilder desired(long v) {
        desired = v;
        return this;
    }

    @JsonIgnore // the stored key is read by observedOrNull, which takes null (unknown) too
    public GroupStatusBuilder observed(long v) {
        observed = v;
        return this;
    }

    /** The plugin could not be asked: how many instances exist is unknown (not the last count). */
    public GroupStatusBuilder observedUnknown() {
        observed = null;
        return this;
    }

    @JsonProperty("Observed")
    GroupStatusBuilder observedOrNull(Long v) {
        observed = v;
        return this;
    }

    @JsonProperty("OutOfDate")
    public GroupStatusBuilder outOfDate(long v) {
        outOfDate = v;
        return this;
    }

    @JsonProperty("ConfigSHA")
    public GroupStatusBuilder configSha(String v) {
        configSha = v;
        return this;
    }

    @JsonProperty("SpecRevision")
    public GroupStatusBuilder specRevision(long v) {
        specRevision = v;
        return this;
    }

    @JsonProperty("InstancePlugin")
    public GroupStatusBuilder instancePlugin(String v) {
        instancePlugin = v;
        return this;
    }

    @JsonProperty("GroupPlugin")
    public GroupStatusBuilder groupPlugin(String v) {
        groupPlugin = v;
        return this;
    }

    @JsonProperty("Update")
    public GroupStatusBuilder update(UpdateProgress v) {
        update = v;
        return this;
    }

    @JsonProperty("CrashLoop")
    public GroupStatusBuilder crashLoop(GroupStatus.CrashLoop v) {
        crashLoop = v;
        return this;
    }

    @JsonProperty("RolledBack")
    public GroupStatusBuilder rolledBack(GroupStatus.RolledBack v) {
        rolledBack = v;
        return this;
    }

    @JsonProperty("Error")
    public GroupStatusBuilder error(GroupStatus.LastError v) {
        error = v;
        return this;
    }

    /**
     * The state of a group served normally, from the fields set: a failed update, a crash loop or a rollback
     * first; then converged when all is as the spec says, else converging.
     */
    public GroupStatusBuilder serving() {
        if (update != null && update.state() == UpdateState.FAILED) {
            state = GroupState.FAILED;
        } else if (crashLoop != null) {
            state = GroupState.CRASH_LOOPING;
        } else if (rolledBack != null) {
            state = GroupState.ROLLED_BACK;
        } else {
            state = GroupState.serving(desired, observed == null ? -1 : observed, outOfDate, update);
        }
        return this;
    }

    @JsonProperty("Notes")
    public GroupStatusBuilder notes(List<String> v) {
        notes = v;
        return this;
    }

    @JsonProperty("Warnings")
    public GroupStatusBuilder warnings(List<String> v) {
        warnings = v;
        return this;
    }

    public GroupStatus build() {
        return new GroupStatus(id, state, desired, observed, outOfDate, configSha, specRevision, instancePlugin,
                groupPlugin, update, crashLoop, rolledBack, error, notes, warnings);
    }
}
