package io.infrakit.plugins.qemu;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.spi.InstanceSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The state file of one VM ({@code <state dir>/<id>/vm.json}), written before QEMU starts: what the VM is (tags,
 * logical ID, spec) and which disk it has. Whether it runs is QEMU's pid file's business ({@link QemuProcess}).
 *
 * @param createdMillis when it was provisioned (epoch milliseconds): the boot deadline counts from there
 * @param disk          the instance's qcow2 disk, or null
 */
@JsonPropertyOrder({"ID", "LogicalID", "Tags", "Created", "Disk", "Spec"})
record VmRecord(
        @JsonProperty("ID") String id,
        @JsonProperty("LogicalID") String logicalId,
        @JsonProperty("Tags") Map<String, String> tags,
        @JsonProperty("Created") long createdMillis,
        @JsonProperty("Disk") String disk,
        @JsonProperty("Spec") InstanceSpec spec) {

    VmRecord {
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }

    VmRecord withTags(Map<String, String> newTags) {
        return new VmRecord(id, logicalId, newTags, createdMillis, disk, spec);
    }

    byte[] toBytes() {
        return Json.write(this).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * @throws IOException when the content is not a state file
     */
    static VmRecord parse(byte[] content) throws IOException {
        try {
            return Json.mapper().readValue(content, VmRecord.class);
        } catch (RuntimeException e) {
            throw new IOException(e.toString(), e);
        }
    }
}
