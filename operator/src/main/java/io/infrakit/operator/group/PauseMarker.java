package io.infrakit.operator.group;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.plugins.json.Json;
import java.time.Instant;

/**
 * The value of a pause key ({@code <prefix>/pause/<ID>}): who paused the group's rolling update, why, since when,
 * and, when a failed batch paused it, which target config failed (a new spec is a new update, not paused).
 */
@JsonPropertyOrder({"Reason", "By", "TargetSHA", "Since"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PauseMarker(@JsonProperty("Reason") String reason, @JsonProperty("By") By by,
                          @JsonProperty("TargetSHA") String targetSha, @JsonProperty("Since") String since) {

    /** Who wrote the marker. */
    public enum By {
        @JsonProperty("user") USER,
        @JsonProperty("controller") CONTROLLER
    }

    public static PauseMarker byUser(Instant when) {
        return new PauseMarker("paused by user", By.USER, null, when.toString());
    }

    /** A failed batch paused the update to {@code targetSha}. */
    public static PauseMarker byFailure(String reason, String targetSha, Instant when) {
        return new PauseMarker(reason, By.CONTROLLER, targetSha, when.toString());
    }

    public boolean byFailure() {
        return by == By.CONTROLLER;
    }

    /** Whether the marker stops an update to {@code targetSha}: a failure of an older target does not. */
    public boolean holds(String target) {
        return !byFailure() || target.equals(targetSha);
    }

    public String toJson() {
        return Json.write(this);
    }

    /** The marker a key holds; one that cannot be read (hand-written) still pauses, for an unknown reason. */
    public static PauseMarker parse(String json) {
        try {
            JsonNode n = Json.parse(json);
            String reason = n.path("Reason").asText("");
            By by = "controller".equals(n.path("By").asText()) ? By.CONTROLLER : By.USER;
            return new PauseMarker(reason.isEmpty() ? "paused" : reason, by, n.path("TargetSHA").asText(null),
                    n.path("Since").asText(null));
        } catch (RuntimeException e) {
            return new PauseMarker("paused", By.USER, null, null);
        }
    }
}
