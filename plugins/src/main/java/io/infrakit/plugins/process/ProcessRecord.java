package io.infrakit.plugins.process;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.spi.InstanceSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The state file of one process instance ({@code <state dir>/<id>.json}): enough to find the process again after
 * a restart (pid and start time) and to describe it (tags, spec).
 */
@JsonPropertyOrder({"ID", "LogicalID", "Tags", "Pid", "StartTicks", "Log", "Spec"})
record ProcessRecord(
        @JsonProperty("ID") String id,
        @JsonProperty("LogicalID") String logicalId,
        @JsonProperty("Tags") Map<String, String> tags,
        @JsonProperty("Pid") long pid,
        @JsonProperty("StartTicks") long startTicks,
        @JsonProperty("Log") String log,
        @JsonProperty("Spec") InstanceSpec spec) {

    ProcessRecord {
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }

    ProcessRecord withTags(Map<String, String> newTags) {
        return new ProcessRecord(id, logicalId, newTags, pid, startTicks, log, spec);
    }

    /** Properties, when asked for, are the spec plus where the process is: what a user needs to look at it. */
    InstanceDescription describe(boolean withProperties) {
        return new InstanceDescription(id, logicalId, tags, withProperties ? Json.toTree(this) : null);
    }

    byte[] toBytes() {
        return Json.write(this).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * @throws IOException when the content is not a state file
     */
    static ProcessRecord parse(byte[] content) throws IOException {
        try {
            return Json.mapper().readValue(content, ProcessRecord.class);
        } catch (RuntimeException e) {
            throw new IOException(e.toString(), e);
        }
    }

    boolean alive() {
        return ProcStat.alive(pid, startTicks);
    }
}
