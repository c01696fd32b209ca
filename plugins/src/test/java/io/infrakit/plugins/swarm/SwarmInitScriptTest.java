package io.infrakit.plugins.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.infrakit.plugins.access.HostGuard;
import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.spi.PluginException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SwarmInitScriptTest {

    /** A body that prints every variable as {@code NAME=[value]}. */
    private static final String PRINT_ALL = printAll("INFRAKIT_SWARM_ROLE", "INFRAKIT_SWARM_ACTION",
            "INFRAKIT_SWARM_ADVERTISE_ADDR", "INFRAKIT_SWARM_MANAGER_ADDR", "INFRAKIT_SWARM_JOIN_TOKEN",
            "INFRAKIT_SWARM_ID", "INFRAKIT_ENGINE_CONFIG");

    @TempDir
    Path dir;

    private static SwarmInitScript.Values values(String token, Map<String, String> labels) {
        return new SwarmInitScript.Values(SwarmRole.WORKER, SwarmInitScript.Action.JOIN, "", "10.0.0.1:2377", token,
                "swarm-1", labels);
    }

    @Test
    void thePreambleExportsOneQuotedVariablePerValueBeforeTheBody() {
        String script = SwarmInitScript.render(new SwarmInitScript.Values(SwarmRole.MANAGER,
                SwarmInitScript.Action.INIT, "10.0.0.2", "", null, null, Map.of("infrakit-link", "abc")), "echo hi\n");

        assertThat(script).isEqualTo("""
                #!/bin/sh
                export INFRAKIT_SWARM_ROLE='manager'
                export INFRAKIT_SWARM_ACTION='init'
                export INFRAKIT_SWARM_ADVERTISE_ADDR='10.0.0.2'
                export INFRAKIT_SWARM_MANAGER_ADDR=''
                export INFRAKIT_SWARM_JOIN_TOKEN=''
                export INFRAKIT_SWARM_ID=''
                export INFRAKIT_ENGINE_CONFIG='{"labels":["infrakit-link=abc"]}'
                echo hi
                """);
    }

    @Test
    void aShebangInTheBodyComesFirstAndAMissingFinalNewlineIsAdded() {
        String script = SwarmInitScript.render(values("t", Map.of()), "#!/bin/bash\nset -e\necho hi");

        assertThat(script).startsWith("#!/bin/bash\nexport INFRAKIT_SWARM_ROLE='worker'\n")
                .endsWith("'{\"labels\":[]}'\nset -e\necho hi\n")
                .containsOnlyOnce("#!");
    }

    @Test
    void quotingKeepsEveryCharacterLiteral() {
        assertThat(SwarmInitScript.quote("it's")).isEqualTo("'it'\\''s'");
        assertThat(SwarmInitScript.quote("")).isEqualTo("''");
        assertThat(SwarmInitScript.quote("$(reboot) `x` \\ \"")).isEqualTo("'$(reboot) `x` \\ \"'");
    }

    @Test
    void aShellSeesExactlyTheValuesHoweverNastyTheyAre() throws Exception {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("infrakit-link", "abc123");
        labels.put("zone", "it's $(touch " + dir.resolve("pwned") + ") `id` \\n \"q\"\nnext line");
        String token = "SWMTKN-1-'; touch " + dir.resolve("pwned") + "; '";

        String out = runSh(SwarmInitScript.render(values(token, labels), PRINT_ALL));

        assertThat(dir.resolve("pwned")).doesNotExist();
        assertThat(out).contains("INFRAKIT_SWARM_ROLE=[worker]\n", "INFRAKIT_SWARM_ACTION=[join]\n",
                "INFRAKIT_SWARM_ADVERTISE_ADDR=[]\n", "INFRAKIT_SWARM_MANAGER_ADDR=[10.0.0.1:2377]\n",
                "INFRAKIT_SWARM_JOIN_TOKEN=[" + token + "]\n", "INFRAKIT_SWARM_ID=[swarm-1]\n");
        String config = out.substring(out.indexOf("INFRAKIT_ENGINE_CONFIG=[") + "INFRAKIT_ENGINE_CONFIG=[".length(),
                out.lastIndexOf(']'));
        assertThat(Json.parse(config).get("labels")).hasSize(2);
        assertThat(Json.parse(config).get("labels").get(1).textValue()).isEqualTo("zone=" + labels.get("zone"));
    }

    @Test
    void theDefaultBodyIsValidShell() throws Exception {
        String script = SwarmInitScript.render(values("t", Map.of("a", "b")), SwarmInitScript.DEFAULT_BODY);
        Path file = Files.writeString(dir.resolve("init.sh"), script);
        Process sh = new ProcessBuilder("sh", "-n", file.toString()).redirectErrorStream(true).start();
        String out = new String(sh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(sh.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(sh.exitValue()).as(out).isZero();
        assertThat(script).contains("docker swarm init --advertise-addr \"$INFRAKIT_SWARM_ADVERTISE_ADDR\"",
                "docker swarm join --token \"$INFRAKIT_SWARM_JOIN_TOKEN\"", "kill -HUP", "wait \"$engine_pid\"");
    }

    @Test
    void aBodyIsReadFromAFileUrl() throws IOException {
        Path body = Files.writeString(dir.resolve("body.sh"), "docker swarm join \"$INFRAKIT_SWARM_MANAGER_ADDR\"\n");

        assertThat(SwarmInitScript.load(body.toUri().toString(), HostGuard.NONE))
                .isEqualTo("docker swarm join \"$INFRAKIT_SWARM_MANAGER_ADDR\"\n");
    }

    @Test
    void unreadableUnsupportedAndTemplatedBodiesAreRefused() throws IOException {
        assertThatThrownBy(() -> SwarmInitScript.load(dir.resolve("missing.sh").toUri().toString(), HostGuard.NONE))
                .isInstanceOf(PluginException.class).hasMessageContaining("cannot read");
        assertThatThrownBy(() -> SwarmInitScript.load("ftp://example.com/init.sh", HostGuard.NONE))
                .isInstanceOf(PluginException.class).hasMessageContaining("only file://, http:// and https://");
        Path template = Files.writeString(dir.resolve("t.sh"), "docker swarm join {{ SWARM_MANAGER_ADDR }}\n");
        assertThatThrownBy(() -> SwarmInitScript.load(template.toUri().toString(), HostGuard.NONE))
                .isInstanceOf(PluginException.class).hasMessageContaining("Go template");
        // Docker's own --format templates are ordinary shell text.
        Path format = Files.writeString(dir.resolve("f.sh"), "docker info --format '{{.Swarm.NodeID}}'\n");
        assertThat(SwarmInitScript.load(format.toUri().toString(), HostGuard.NONE)).contains("{{.Swarm.NodeID}}");
    }

    @Test
    void theGuardIsAskedBeforeTheFetchAndBeforeEveryRedirectIsFollowed() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        List<String> served = new CopyOnWriteArrayList<>();
        server.createContext("/", exchange -> {
            served.add(exchange.getRequestURI().getPath());
            String path = exchange.getRequestURI().getPath();
            if (!path.equals("/secret")) {
                exchange.getResponseHeaders().add("Location", path.equals("/start") ? "/next" : "/secret");
                exchange.sendResponseHeaders(302, -1);
            } else {
                byte[] body = "echo secret\n".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        server.start();
        try {
            String start = "http://127.0.0.1:" + server.getAddress().getPort() + "/start";
            assertThat(SwarmInitScript.load(start, HostGuard.NONE)).isEqualTo("echo secret\n");
            assertThat(served).containsExactly("/start", "/next", "/secret");
            served.clear();

            List<String> asked = new CopyOnWriteArrayList<>();
            HostGuard guard = request -> {
                asked.add(request.value());
                if (request.value().endsWith("/secret")) {
                    throw new PluginException("refused: " + request.value());
                }
            };
            assertThatThrownBy(() -> SwarmInitScript.load(start, guard)).isInstanceOf(PluginException.class)
                    .hasMessageContaining("refused: http://127.0.0.1:" + server.getAddress().getPort() + "/secret");
            assertThat(asked).hasSize(3).allMatch(url -> url.startsWith("http://127.0.0.1:"));
            assertThat(served).containsExactly("/start", "/next");

            served.clear();
            assertThatThrownBy(() -> SwarmInitScript.load(start, request -> {
                throw new PluginException("no");
            })).hasMessage("no");
            assertThat(served).isEmpty();
        } finally {
            server.stop(0);
        }
    }

    private static String printAll(String... names) {
        StringBuilder body = new StringBuilder();
        for (String name : names) {
            body.append("printf '%s=[%s]\\n' ").append(name).append(" \"$").append(name).append("\"\n");
        }
        return body.toString();
    }

    private static String runSh(String script) throws Exception {
        Process sh = new ProcessBuilder("sh", "-c", script, "init").redirectErrorStream(true).start();
        String out = new String(sh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(sh.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(sh.exitValue()).as(out).isZero();
        return out;
    }
}
