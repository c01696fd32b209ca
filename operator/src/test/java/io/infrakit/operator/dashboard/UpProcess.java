package io.infrakit.operator.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.infrakit.operator.testing.ClasspathSnapshot;
import io.infrakit.store.etcd.LocalPorts;
import io.infrakit.store.testing.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One {@code infrakit up} replica as a real process, with its --http address on a free loopback port. */
final class UpProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final String id;
    final int port;
    final Path log;
    private final Process process;

    private UpProcess(String id, int port, Path log, Process process) {
        this.id = id;
        this.port = port;
        this.log = log;
        this.process = process;
    }

    /** Starts a replica and waits until it is ready (it campaigns and has listed the specs). */
    static UpProcess start(String etcd, String prefix, String id, Path dir, String... more) throws IOException {
        int port = LocalPorts.free(1)[0];
        Path log = dir.resolve(id + ".log");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx192m", "-cp", ClasspathSnapshot.get(),
                "io.infrakit.operator.cli.Main", "up", "--etcd", etcd, "--prefix", prefix, "--id", id,
                "--http", "127.0.0.1:" + port, "--lease-ttl", "3s", "--resync", "2s",
                "--file-dir", dir.resolve("files").toString(), "--no-group-socket"));
        cmd.addAll(List.of(more));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("INFRAKIT_"));
        pb.environment().put("INFRAKIT_HOME", dir.resolve("home-" + id).toString());
        UpProcess up = new UpProcess(id, port, log, pb.start());
        Await.until(Duration.ofSeconds(60), id + " ready", () -> {
            assertThat(up.process.isAlive()).as(id + " exited: " + up.log()).isTrue();
            try {
                return up.get("/readyz").statusCode() == 200;
            } catch (UncheckedIOException e) {
                return false; // not listening yet
            }
        });
        return up;
    }

    String base() {
        return "http://127.0.0.1:" + port;
    }

    String dashboard() {
        return base() + "/dashboard/";
    }

    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(5)).GET().build());
    }

    static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
