package io.infrakit.plugins.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.plugins.access.HostRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * What the swarm flavor does on this host for a spec: fetch its script from {@code InitScriptTemplateURL},
 * connect to the engine at {@code Docker.Host} (an empty one is the operator's own engine), read the TLS files;
 * and it writes the instances' init script itself.
 */
final class SwarmHostAccess {

    private SwarmHostAccess() {
    }

    static List<HostRequest> requests(JsonNode properties) {
        SwarmSpec spec = SwarmSpec.parse(properties);
        List<HostRequest> out = new ArrayList<>();
        if (!spec.initScriptTemplateUrl().isEmpty()) {
            out.add(HostRequest.of(HostRequest.Kind.FETCH_URL, spec.initScriptTemplateUrl(), "InitScriptTemplateURL"));
        }
        if (!spec.docker().host().isEmpty()) {
            out.add(HostRequest.of(HostRequest.Kind.DOCKER_ENGINE, spec.docker().host(), "Docker.Host"));
        }
        SwarmSpec.Tls tls = spec.docker().tls();
        if (tls != null) {
            file(out, tls.caFile(), "Docker.TLS.CAFile");
            file(out, tls.certFile(), "Docker.TLS.CertFile");
            file(out, tls.keyFile(), "Docker.TLS.KeyFile");
        }
        out.add(HostRequest.of(HostRequest.Kind.GENERATED_INIT, "the swarm flavor's join script", ""));
        return out;
    }

    private static void file(List<HostRequest> out, String path, String field) {
        if (!path.isEmpty()) {
            out.add(HostRequest.of(HostRequest.Kind.HOST_PATH_READ, path, field));
        }
    }
}
