package io.infrakit.plugins.maas;

import java.util.List;
import java.util.Map;

/**
 * One request to MAAS's API: a method, a path under {@code /api/<version>/}, the operation ({@code ?op=}, or null)
 * and the fields (query parameters of a GET, the form of a POST).
 */
record MaasCall(String method, String path, String op, Map<String, List<String>> fields) {

    MaasCall {
        fields = fields == null ? Map.of() : Map.copyOf(fields);
    }

    static MaasCall get(String path, String op) {
        return new MaasCall("GET", path, op, Map.of());
    }

    static MaasCall post(String path, String op, Map<String, List<String>> form) {
        return new MaasCall("POST", path, op, form);
    }
}
