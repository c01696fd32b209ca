package io.infrakit.plugins.maas;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The two generations of MAAS's API the plugin speaks. Version 2.0 (MAAS 2 and later) allocates, deploys and
 * releases {@code machines}; version 1.0 (MAAS 1.x) acquires, starts and releases {@code nodes}. Tags work the same
 * in both. Each method returns the request; {@link MaasClient} makes it.
 */
enum MaasVersion {

    V1_0("1.0", "nodes/", "acquire", "start", "abort_operation", "list", "new"),
    V2_0("2.0", "machines/", "allocate", "deploy", "abort", null, null);

    private final String number;
    private final String machines;
    private final String allocate;
    private final String deploy;
    private final String abort;
    private final String listOp;
    private final String newTagOp;

    MaasVersion(String number, String machines, String allocate, String deploy, String abort, String listOp,
                String newTagOp) {
        this.number = number;
        this.machines = machines;
        this.allocate = allocate;
        this.deploy = deploy;
        this.abort = abort;
        this.listOp = listOp;
        this.newTagOp = newTagOp;
    }

    /** {@code "1.0"} or {@code "2.0"}. */
    static MaasVersion of(String number) {
        for (MaasVersion v : values()) {
            if (v.number.equals(number)) {
                return v;
            }
        }
        throw new IllegalArgumentException("MAAS API version must be 2.0 or 1.0, got \"" + number + "\"");
    }

    String number() {
        return number;
    }

    /** Takes a machine that is ready and matches the constraints (MAAS's own names: tags, zone, mem, ...). */
    MaasCall allocate(Map<String, List<String>> constraints) {
        return MaasCall.post(machines, allocate, constraints);
    }

    /** Installs and boots the machine; cloud-init runs {@code userData} (base64) once it is up. */
    MaasCall deploy(String systemId, String userDataBase64, String distroSeries) {
        Map<String, List<String>> form = new LinkedHashMap<>();
        if (userDataBase64 != null && !userDataBase64.isEmpty()) {
            form.put("user_data", List.of(userDataBase64));
        }
        if (distroSeries != null && !distroSeries.isEmpty()) {
            form.put("distro_series", List.of(distroSeries));
        }
        return MaasCall.post(machine(systemId), deploy, form);
    }

    /** Stops a deployment in progress (a machine that is deploying cannot be released). */
    MaasCall abort(String systemId) {
        return MaasCall.post(machine(systemId), abort, Map.of());
    }

    MaasCall release(String systemId) {
        return MaasCall.post(machine(systemId), "release", Map.of());
    }

    /** One machine. */
    MaasCall read(String systemId) {
        return MaasCall.get(machine(systemId), null);
    }

    MaasCall list() {
        return MaasCall.get(machines, listOp);
    }

    MaasCall tags() {
        return MaasCall.get("tags/", listOp);
    }

    /** A manual tag (no definition: MAAS assigns it only when told to). */
    MaasCall newTag(String name, String comment) {
        return MaasCall.post("tags/", newTagOp, Map.of("name", List.of(name), "comment", List.of(comment)));
    }

    MaasCall updateNodes(String tag, List<String> add, List<String> remove) {
        Map<String, List<String>> form = new LinkedHashMap<>();
        if (!add.isEmpty()) {
            form.put("add", new ArrayList<>(add));
        }
        if (!remove.isEmpty()) {
            form.put("remove", new ArrayList<>(remove));
        }
        return MaasCall.post("tags/" + tag + "/", "update_nodes", form);
    }

    private String machine(String systemId) {
        return machines + systemId + "/";
    }
}
