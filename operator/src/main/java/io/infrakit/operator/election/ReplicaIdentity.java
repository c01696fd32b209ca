package io.infrakit.operator.election;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.infrakit.plugins.json.Json;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Who a replica is, stored as the value of its election key so {@code etcdctl get --prefix <prefix>/leader} and
 * {@code infrakit leader} can name the leader and the standbys.
 *
 * @param since    when this replica started campaigning, or (in the leader's key) when it became leader
 * @param warnings what this replica runs without (its HTTP endpoint, say), for {@code infrakit leader}
 */
@JsonPropertyOrder({"ID", "Host", "PID", "Address", "Version", "Since", "Warnings"})
@JsonIgnoreProperties(ignoreUnknown = true)
public record ReplicaIdentity(
        @JsonProperty("ID") String id,
        @JsonProperty("Host") String host,
        @JsonProperty("PID") long pid,
        @JsonProperty("Address") @JsonInclude(JsonInclude.Include.NON_NULL) String address,
        @JsonProperty("Version") String version,
        @JsonProperty("Since") String since,
        @JsonProperty("Warnings") @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> warnings) {

    public ReplicaIdentity {
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    /** This process: ID defaults to host:pid. */
    public static ReplicaIdentity of(String id, String address, String version, String since) {
        String host = hostName();
        long pid = ProcessHandle.current().pid();
        return new ReplicaIdentity(id == null || id.isBlank() ? host + ":" + pid : id, host, pid, address, version,
                since, null);
    }

    public ReplicaIdentity since(String time) {
        return new ReplicaIdentity(id, host, pid, address, version, time, warnings);
    }

    public ReplicaIdentity withWarnings(List<String> w) {
        return new ReplicaIdentity(id, host, pid, address, version, since, w);
    }

    public String toJson() {
        return Json.write(this);
    }

    /** The identity in an election key's value; an unreadable value is shown as is. */
    public static ReplicaIdentity parse(String json) {
        try {
            return Json.mapper().readValue(json, ReplicaIdentity.class);
        } catch (Exception e) {
            return new ReplicaIdentity(json, null, 0, null, null, null, null);
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
