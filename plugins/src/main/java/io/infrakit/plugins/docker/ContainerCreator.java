package io.infrakit.plugins.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.transport.DockerHttpClient;
import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.spi.PluginException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Creates containers with the group's {@code Config} sent to the engine as written, so every field of the Engine
 * API works, not only those a typed client knows.
 */
final class ContainerCreator {

    private final DockerHttpClient http;

    ContainerCreator(DockerClient docker) {
        if (!(docker instanceof DockerClientImpl impl)) {
            throw new IllegalArgumentException("a client made by DockerClients is needed, got " + docker.getClass());
        }
        this.http = impl.getHttpClient();
    }

    /** Creates the container and returns its ID; {@code name} may be null. */
    String create(String name, ObjectNode body) {
        String path = "/v" + DockerClients.API_VERSION + "/containers/create"
                + (name == null ? "" : "?name=" + URLEncoder.encode(name, StandardCharsets.UTF_8));
        DockerHttpClient.Request request = DockerHttpClient.Request.builder()
                .method(DockerHttpClient.Request.Method.POST)
                .path(path)
                .putHeader("Content-Type", "application/json")
                .bodyBytes(Json.write(body).getBytes(StandardCharsets.UTF_8))
                .build();
        try (DockerHttpClient.Response response = http.execute(request)) {
            byte[] answer = response.getBody().readAllBytes();
            JsonNode json = answer.length == 0 ? null : Json.parse(answer);
            if (response.getStatusCode() != 201 || json == null || !json.hasNonNull("Id")) {
                String message = json != null && json.hasNonNull("message") ? json.get("message").asText()
                        : new String(answer, StandardCharsets.UTF_8);
                throw new PluginException("docker: creating the container failed (HTTP "
                        + response.getStatusCode() + "): " + message);
            }
            return json.get("Id").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
