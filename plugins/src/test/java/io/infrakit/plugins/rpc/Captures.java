package io.infrakit.plugins.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.plugins.json.GoJson;
import io.infrakit.plugins.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The wire traffic recorded from InfraKit v0.5's own plugins (test resources): each request exactly as Go's client
 * sent it, paired by JSON-RPC id with the plugin's answer.
 */
final class Captures {

    /** One request and its answer. {@code rawRequest} is the HTTP request byte for byte. */
    record Exchange(String method, String rawRequest, JsonNode request, String responseBody, JsonNode response) {

        /** The request's params as compact Go JSON. */
        String params() {
            return GoJson.compact(request.get("params"));
        }
    }

    private static final Pattern MARKER = Pattern.compile("(?m)^--- \\S+ (REQ|RESP)\\n");

    private Captures() {
    }

    static List<Exchange> load(String resource) {
        String text = resourceText(resource);
        Matcher m = MARKER.matcher(text);
        List<String> kinds = new ArrayList<>();
        List<Integer> starts = new ArrayList<>();
        while (m.find()) {
            kinds.add(m.group(1));
            starts.add(m.end());
        }
        Map<String, String[]> requests = new LinkedHashMap<>();
        Map<String, String> responses = new LinkedHashMap<>();
        for (int i = 0; i < starts.size(); i++) {
            String[] message = message(text, starts.get(i));
            String id = Json.parse(message[1]).get("id").asText();
            if (kinds.get(i).equals("REQ")) {
                requests.put(id, message);
            } else {
                responses.put(id, message[1]);
            }
        }
        List<Exchange> exchanges = new ArrayList<>();
        requests.forEach((id, req) -> {
            JsonNode request = Json.parse(req[1]);
            String body = responses.get(id);
            exchanges.add(new Exchange(request.get("method").asText(), req[0] + req[1], request, body,
                    Json.parse(body)));
        });
        return exchanges;
    }

    static String resourceText(String resource) {
        try (InputStream in = Captures.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The head (with its blank line) and the body, cut at Content-Length. */
    private static String[] message(String text, int start) {
        int headEnd = text.indexOf("\r\n\r\n", start) + 4;
        String head = text.substring(start, headEnd);
        Matcher length = Pattern.compile("(?i)Content-Length: (\\d+)").matcher(head);
        if (!length.find()) {
            throw new IllegalStateException("no Content-Length in " + head);
        }
        return new String[] {head, text.substring(headEnd, headEnd + Integer.parseInt(length.group(1)))};
    }
}
