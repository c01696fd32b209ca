package io.infrakit.plugins.swarm;

import io.infrakit.plugins.access.HostGuard;
import io.infrakit.plugins.access.HostRequest;
import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.spi.PluginException;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * An instance's swarm init script: a preamble of exported shell variables, then a body that uses them. The body is
 * the text at {@code InitScriptTemplateURL} or {@link #DEFAULT_BODY}. Go templates are not rendered: InfraKit's
 * template functions become variables instead ({@code SWARM_JOIN_TOKENS.Worker} is
 * {@code $INFRAKIT_SWARM_JOIN_TOKEN}, and so on), which keeps every value out of the script's syntax.
 */
final class SwarmInitScript {

    static final String ROLE = "INFRAKIT_SWARM_ROLE";
    static final String ACTION = "INFRAKIT_SWARM_ACTION";
    static final String ADVERTISE_ADDR = "INFRAKIT_SWARM_ADVERTISE_ADDR";
    static final String MANAGER_ADDR = "INFRAKIT_SWARM_MANAGER_ADDR";
    static final String JOIN_TOKEN = "INFRAKIT_SWARM_JOIN_TOKEN";
    static final String SWARM_ID = "INFRAKIT_SWARM_ID";
    static final String ENGINE_CONFIG = "INFRAKIT_ENGINE_CONFIG";

    /** What the script does with the swarm. */
    enum Action {
        INIT, JOIN;

        String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * The default body. It works on a machine whose engine already runs (the new labels are loaded with SIGHUP) and
     * as a container's entry script that is given the engine's command line as {@code "$@"} (it starts the engine,
     * and waits for it so the container lives as long as the engine). An engine already in a swarm is left alone, so
     * running the script twice is harmless. Writing {@code daemon.json} replaces any settings it had, as InfraKit's
     * scripts did.
     */
    static final String DEFAULT_BODY = """
            mkdir -p /etc/docker
            printf '%s\\n' "$INFRAKIT_ENGINE_CONFIG" > /etc/docker/daemon.json
            engine_pid=
            if [ "$#" -gt 0 ]; then
              trap 'kill -TERM "$engine_pid" 2>/dev/null' TERM INT
              "$@" &
              engine_pid=$!
            else
              for pid in $(pidof dockerd); do kill -HUP "$pid"; done
            fi
            deadline=$(( $(date +%s) + 60 ))
            until docker info >/dev/null 2>&1; do
              if [ "$(date +%s)" -ge "$deadline" ]; then
                echo "infrakit: the Docker engine did not answer within 60 s" >&2
                exit 1
              fi
              sleep 0.2 2>/dev/null || sleep 1
            done
            if [ "$(docker info --format '{{.Swarm.LocalNodeState}}' 2>/dev/null)" = active ]; then
              echo "infrakit: this engine is already in a swarm"
            elif [ "$INFRAKIT_SWARM_ACTION" = init ]; then
              docker swarm init --advertise-addr "$INFRAKIT_SWARM_ADVERTISE_ADDR" || exit 1
            else
              tries=0
              until docker swarm join --token "$INFRAKIT_SWARM_JOIN_TOKEN" \\
                  ${INFRAKIT_SWARM_ADVERTISE_ADDR:+--advertise-addr "$INFRAKIT_SWARM_ADVERTISE_ADDR"} \\
                  "$INFRAKIT_SWARM_MANAGER_ADDR"; do
                tries=$((tries + 1))
                if [ "$tries" -ge 5 ]; then
                  echo "infrakit: could not join the swarm at $INFRAKIT_SWARM_MANAGER_ADDR" >&2
                  exit 1
                fi
                sleep 2
              done
            fi
            if [ -n "$engine_pid" ]; then
              status=0
              wait "$engine_pid" || status=$?
              while kill -0 "$engine_pid" 2>/dev/null; do wait "$engine_pid" || status=$?; done
              exit "$status"
            fi
            """;

    /** InfraKit's template calls, which this flavor does not render: a script with them is refused, not run broken. */
    private static final Pattern GO_TEMPLATE = Pattern.compile("\\{\\{-?\\s*(SPEC|INSTANCE_LOGICAL_ID|ALLOCATIONS|INDEX"
            + "|INFRAKIT_LABELS|SWARM_[A-Z_]+|include|var|metadata)\\b");
    private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_REDIRECTS = 5;

    private SwarmInitScript() {
    }

    /**
     * What a script needs to know, each value becoming one variable.
     *
     * @param advertiseAddr the instance's logical ID, empty for cattle
     * @param engineLabels  the engine's labels, in order
     */
    record Values(SwarmRole role, Action action, String advertiseAddr, String managerAddr, String joinToken,
                  String swarmId, Map<String, String> engineLabels) {
    }

    /** The preamble, then {@code body}; a {@code #!} line in the body goes first (default {@code #!/bin/sh}). */
    static String render(Values values, String body) {
        String shebang = "#!/bin/sh";
        String rest = body;
        if (body.startsWith("#!")) {
            int nl = body.indexOf('\n');
            shebang = nl < 0 ? body : body.substring(0, nl);
            rest = nl < 0 ? "" : body.substring(nl + 1);
        }
        StringBuilder script = new StringBuilder(shebang).append('\n');
        variables(values).forEach((name, value) ->
                script.append("export ").append(name).append('=').append(quote(value)).append('\n'));
        script.append(rest);
        if (!rest.isEmpty() && !rest.endsWith("\n")) {
            script.append('\n');
        }
        return script.toString();
    }

    static Map<String, String> variables(Values v) {
        Map<String, String> vars = new LinkedHashMap<>();
        vars.put(ROLE, v.role().wireName());
        vars.put(ACTION, v.action().wireName());
        vars.put(ADVERTISE_ADDR, nullToEmpty(v.advertiseAddr()));
        vars.put(MANAGER_ADDR, nullToEmpty(v.managerAddr()));
        vars.put(JOIN_TOKEN, nullToEmpty(v.joinToken()));
        vars.put(SWARM_ID, nullToEmpty(v.swarmId()));
        vars.put(ENGINE_CONFIG, engineConfig(v.engineLabels()));
        return vars;
    }

    /** {@code daemon.json} with the engine's labels: {@code {"labels":["k=v",...]}}. */
    static String engineConfig(Map<String, String> labels) {
        List<String> pairs = new ArrayList<>(labels.size());
        labels.forEach((k, v) -> pairs.add(k + "=" + v));
        return Json.write(Map.of("labels", pairs));
    }

    /** Single-quotes a word for /bin/sh: nothing inside is expanded. */
    static String quote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }

    /**
     * The body at {@code url}: a {@code file://} or {@code http(s)://} URL of a plain shell script. The guard is asked
     * before the file is read or the URL fetched, and again for every redirect.
     *
     * @throws PluginException when the guard refuses it, it cannot be read, or it is an InfraKit Go template
     */
    static String load(String url, HostGuard guard) {
        guard.check(HostRequest.of(HostRequest.Kind.FETCH_URL, url, "InitScriptTemplateURL"));
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new PluginException("InitScriptTemplateURL: not a URL: " + url, e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String text = switch (scheme) {
            case "file" -> readFile(uri, url);
            case "http", "https" -> fetch(uri, url, guard);
            default -> throw new PluginException("InitScriptTemplateURL: only file://, http:// and https:// URLs are "
                    + "supported, got " + url);
        };
        if (GO_TEMPLATE.matcher(text).find()) {
            throw new PluginException("InitScriptTemplateURL: " + url + " is an InfraKit Go template; templates are "
                    + "not rendered: give a plain script that uses the INFRAKIT_SWARM_* variables");
        }
        return text;
    }

    private static String readFile(URI uri, String url) {
        try {
            return Files.readString(Path.of(uri), StandardCharsets.UTF_8);
        } catch (IOException | IllegalArgumentException e) {
            throw new PluginException("InitScriptTemplateURL: cannot read " + url + ": " + e, e);
        }
    }

    /** Follows redirects itself, so that the guard sees where each one leads before it is fetched. */
    private static String fetch(URI uri, String url, HostGuard guard) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(FETCH_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        URI at = uri;
        try {
            for (int hop = 0; ; hop++) {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(at).timeout(FETCH_TIMEOUT).GET()
                        .build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                int status = response.statusCode();
                var location = response.headers().firstValue("Location");
                if (status / 100 == 3 && location.isPresent() && hop < MAX_REDIRECTS) {
                    at = at.resolve(location.get());
                    guard.check(HostRequest.of(HostRequest.Kind.FETCH_URL, at.toString(),
                            "InitScriptTemplateURL (redirected from " + url + ")"));
                    continue;
                }
                if (status / 100 != 2) {
                    throw new PluginException("InitScriptTemplateURL: " + url + " answered HTTP " + status);
                }
                return response.body();
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new PluginException("InitScriptTemplateURL: cannot fetch " + url + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PluginException("InitScriptTemplateURL: interrupted while fetching " + url, e);
        }
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
