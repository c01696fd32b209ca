package io.infrakit.plugins.maas;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.testing.LabScripts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The MAAS API test server of MAAS's Go client library (gomaasapi), run as a process: built once from
 * {@code src/test/maas/main.go} with Debian's Go, offline, and kept by its source's hash. It checks OAuth PLAINTEXT
 * signatures against one key, and shows what was done at {@code /_test/operations}.
 */
final class MaasTestServer implements AutoCloseable {

    static final String KEY = "consumer0key:token0key:token0secret";

    private final Process process;
    final String url;

    private MaasTestServer(Process process, String url) {
        this.process = process;
        this.url = url;
    }

    /** A server answering under {@code /api/<version>/} with {@code machines} ready machines. */
    static MaasTestServer start(String version, int machines) throws IOException {
        Path binary = binary();
        Process p = new ProcessBuilder(binary.toString(), "-version", version, "-machines", Integer.toString(machines),
                "-key", KEY).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (line == null || !line.startsWith("URL ")) {
            p.destroyForcibly();
            throw new IOException("the MAAS test server did not start: " + line);
        }
        return new MaasTestServer(p, line.substring(4).trim());
    }

    /** What MAAS was asked: {@code {"operations": {id: [op...]}, "values": {id: [{field: [v]}]}, "owned": {id: true}}}. */
    JsonNode operations() throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(url + "/_test/operations")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        return Json.parse(r.body());
    }

    private static synchronized Path binary() throws IOException {
        Path source = LabScripts.find("plugins/src/test/maas/main.go");
        String hash;
        try {
            hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(source)), 0, 6);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        Path binary = Path.of(System.getProperty("java.io.tmpdir"), "infrakit-maas-test-server-" + hash);
        if (!Files.isExecutable(binary)) {
            LabScripts.run("plugins/src/test/maas/build.sh", Map.of(), Duration.ofMinutes(5), binary.toString());
        }
        return binary;
    }

    @Override
    public void close() {
        try {
            process.getOutputStream().close(); // the server stops when its stdin closes
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
