package io.infrakit.plugins.maas;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.spi.PluginException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * MAAS's REST API over HTTP: GETs with query parameters and POSTs of {@code op}s with form fields, each signed with
 * the API key ({@link ApiKey}), each with a deadline. Any status but 2xx is a {@link MaasException}; a server that
 * cannot be reached is a {@link PluginException} naming it.
 */
final class MaasClient {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    private static final SecureRandom NONCES = new SecureRandom();

    private final URI api;
    private final ApiKey key;
    private final Clock clock;
    private final HttpClient http;

    /**
     * @param api the API's base, e.g. {@code http://maas:5240/MAAS/api/2.0/} (a trailing slash is added)
     */
    MaasClient(URI api, ApiKey key, Clock clock) {
        this.api = api.toString().endsWith("/") ? api : URI.create(api + "/");
        this.key = key;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
    }

    URI api() {
        return api;
    }

    /**
     * Makes the call; the answer as JSON, or null when it is empty or not JSON (some operations answer with text).
     *
     * @throws MaasException when MAAS answers with an error status
     */
    JsonNode call(MaasCall call) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        if (call.op() != null) {
            query.put("op", List.of(call.op()));
        }
        if (call.method().equals("GET")) {
            query.putAll(call.fields());
        }
        String body = send(call.method(), call.path(), query, call.method().equals("GET") ? null : call.fields());
        try {
            return body.isBlank() ? null : Json.mapper().readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    private String send(String method, String path, Map<String, List<String>> query, Map<String, List<String>> form) {
        String target = path + (query.isEmpty() ? "" : "?" + encode(query));
        HttpRequest.Builder request = HttpRequest.newBuilder(api.resolve(target)).timeout(REQUEST_TIMEOUT)
                .header("Authorization", key.authorization(nonce(), clock.millis() / 1000))
                .header("Accept", "application/json");
        if (form != null) {
            // exactly this content type: MAAS (and its Go test server) read form fields only under it
            request.header("Content-Type", "application/x-www-form-urlencoded")
                    .method(method, HttpRequest.BodyPublishers.ofString(encode(form)));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        String what = method + " " + target;
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new PluginException("MAAS at " + api + " cannot be reached (" + what + "): " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PluginException("interrupted during " + what, e);
        }
        if (response.statusCode() / 100 != 2) {
            throw new MaasException(what, response.statusCode(), abbreviate(response.body()));
        }
        return response.body();
    }

    static String encode(Map<String, List<String>> fields) {
        StringJoiner out = new StringJoiner("&");
        fields.forEach((name, values) -> values.forEach(v -> out.add(
                URLEncoder.encode(name, StandardCharsets.UTF_8) + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8))));
        return out.toString();
    }

    private static String nonce() {
        byte[] bytes = new byte[16];
        NONCES.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static String abbreviate(String text) {
        return text == null ? "" : text.length() > 500 ? text.substring(0, 500) + "…" : text;
    }
}
