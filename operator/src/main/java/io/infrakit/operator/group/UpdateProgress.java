package io.infrakit.operator.group;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * A rolling update as the group's status shows it. Persisted (in the status), so a new leader continues the same
 * update: which instances are done is read from their config tags, not from here.
 *
 * @param state        rolling, paused, failed or done
 * @param done         instances at the target config
 * @param total        instances the group should have
 * @param batch        batches started so far
 * @param batchStarted when the current batch started (its health deadline counts from here)
 * @param reason       why it is paused or failed, or what it is waiting for
 */
@JsonPropertyOrder({"TargetSHA", "State", "Done", "Total", "Batch", "BatchStarted", "Reason"})
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UpdateProgress(
        @JsonProperty("TargetSHA") String targetSha,
        @JsonProperty("State") UpdateState state,
        @JsonProperty("Done") long done,
        @JsonProperty("Total") long total,
        @JsonProperty("Batch") long batch,
        @JsonProperty("BatchStarted") String batchStarted,
        @JsonProperty("Reason") String reason) {

    @JsonIgnore // derived from the state, not stored
    public boolean isRolling() {
        return state == UpdateState.ROLLING;
    }

    UpdateProgress with(UpdateState newState, long newDone, long newTotal, String newReason) {
        return new UpdateProgress(targetSha, newState, newDone, newTotal, batch, batchStarted, newReason);
    }
}
