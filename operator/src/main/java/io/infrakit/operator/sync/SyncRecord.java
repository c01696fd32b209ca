package io.infrakit.operator.sync;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.infrakit.plugins.json.Json;
import java.util.List;
import java.util.Map;

/**
 * What sync stores at {@code <prefix>/sync/<name>}: which commit of which source is live and since when, how the
 * last attempt went, and the groups it owns with the digest of the content it last wrote (a key whose content no
 * longer has that digest was changed by hand: drift). Times are RFC 3339 UTC.
 *
 * @param commit     the last commit synced successfully (null for a directory source)
 * @param syncedAt   when that sync ran (refreshed while watching, at least every few minutes)
 * @param result     {@link #SYNCED}, {@link #DRIFT} or {@link #ERROR}
 * @param error      why the last attempt failed (null when it did not); the state it left is the previous one
 * @param lastChange the last sync that wrote something
 */
@JsonPropertyOrder({"Source", "Repository", "Ref", "Path", "Commit", "SyncedAt", "Result", "Error", "ErrorAt",
        "LastChange", "Drift", "Orphans", "Groups"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SyncRecord(
        @JsonProperty("Source") String source,
        @JsonProperty("Repository") String repository,
        @JsonProperty("Ref") String ref,
        @JsonProperty("Path") String path,
        @JsonProperty("Commit") String commit,
        @JsonProperty("SyncedAt") String syncedAt,
        @JsonProperty("Result") String result,
        @JsonProperty("Error") String error,
        @JsonProperty("ErrorAt") String errorAt,
        @JsonProperty("LastChange") Change lastChange,
        @JsonProperty("Drift") List<String> drift,
        @JsonProperty("Orphans") List<String> orphans,
        @JsonProperty("Groups") Map<String, Owned> groups) {

    public static final String SYNCED = "Synced";
    public static final String DRIFT = "Drift";
    public static final String ERROR = "Error";

    public SyncRecord {
        drift = drift == null ? List.of() : List.copyOf(drift);
        orphans = orphans == null ? List.of() : List.copyOf(orphans);
        groups = groups == null ? Map.of() : Map.copyOf(groups);
    }

    /** A group sync owns: the file it comes from and the digest of the content last written or confirmed. */
    @JsonPropertyOrder({"Path", "Digest"})
    public record Owned(@JsonProperty("Path") String path, @JsonProperty("Digest") String digest) {
    }

    /** The last sync that wrote keys. */
    @JsonPropertyOrder({"At", "Commit", "Created", "Updated", "Deleted"})
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Change(@JsonProperty("At") String at, @JsonProperty("Commit") String commit,
                         @JsonProperty("Created") List<String> created, @JsonProperty("Updated") List<String> updated,
                         @JsonProperty("Deleted") List<String> deleted) {
    }

    /** The record with a failed attempt noted; what was live stays as it was. */
    SyncRecord failed(String message, String at) {
        return new SyncRecord(source, repository, ref, path, commit, syncedAt, ERROR, message, at, lastChange, drift,
                orphans, groups);
    }

    /** The record without its times, to tell whether anything but the clock changed. */
    SyncRecord timeless() {
        return new SyncRecord(source, repository, ref, path, commit, null, result, error, null, lastChange, drift,
                orphans, groups);
    }

    /** An empty record: nothing synced yet. */
    static SyncRecord none(String source) {
        return new SyncRecord(source, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    public String toJson() {
        return Json.write(this);
    }

    /**
     * @throws IllegalArgumentException when the value is not a sync record
     */
    public static SyncRecord fromJson(String json) {
        try {
            return Json.mapper().readValue(json, SyncRecord.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a sync record: " + e.getOriginalMessage(), e);
        }
    }
}
