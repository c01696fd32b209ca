package io.infrakit.store.etcd;

import io.infrakit.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * One {@code etcd} member run as a child process on loopback ports: for tests and for the operator's dev mode.
 * Output goes to {@code etcd.log} in the data directory. Knows its ports and data directory, so it can be stopped,
 * killed (as by {@code kill -9}) and restarted as the same member.
 */
public final class EtcdServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EtcdServer.class);
    private static final String HOST = "127.0.0.1";

    private final Path binary;
    private final String name;
    private final Path dataDir;
    private final int clientPort;
    private final int peerPort;
    private final boolean fastTimings;
    private final String initialCluster;
    private final String initialClusterState;
    private final Duration startTimeout;
    private final List<String> extraArgs;
    private final boolean detached;
    private final Tls tls;
    private final boolean peerTls;
    private final int metricsPort;
    private final Thread shutdownHook = new Thread(this::destroyOnExit, "etcd-server-shutdown");
    private Process process;
    private boolean hooked;

    EtcdServer(EtcdServerBuilder b) {
        this.binary = b.binary != null ? b.binary : findBinary();
        this.name = b.name;
        this.dataDir = b.dataDir.toAbsolutePath();
        int[] ports = LocalPorts.free(3);
        this.clientPort = b.clientPort != 0 ? b.clientPort : ports[0];
        this.peerPort = b.peerPort != 0 ? b.peerPort : ports[1];
        this.tls = b.tls;
        this.peerTls = b.peerTls;
        if (peerTls && (tls == null || tls.clientCa() == null)) {
            throw new IllegalArgumentException("peer TLS needs TLS with a client CA");
        }
        // With TLS on the client port, health is checked on a plain-HTTP metrics port instead.
        this.metricsPort = tls == null ? 0 : ports[2];
        this.fastTimings = b.fastTimings;
        this.initialCluster = b.initialCluster != null ? b.initialCluster : name + "=" + peerUrl();
        this.initialClusterState = b.initialClusterState;
        this.startTimeout = b.startTimeout;
        this.extraArgs = List.copyOf(b.extraArgs);
        this.detached = b.detached;
    }

    /** A member named {@code name} keeping its data in {@code dataDir} (created if missing). */
    public static EtcdServerBuilder builder(String name, Path dataDir) {
        return new EtcdServerBuilder(name, dataDir);
    }

    /** Starts a single-member etcd with default settings and waits until it is healthy. */
    public static EtcdServer start(Path dataDir) {
        EtcdServer server = builder("default", dataDir).build();
        server.start();
        return server;
    }

    public String name() {
        return name;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path logFile() {
        return dataDir.resolve("etcd.log");
    }

    public int clientPort() {
        return clientPort;
    }

    public String clientUrl() {
        return (tls == null ? "http://" : "https://") + HOST + ":" + clientPort;
    }

    public String peerUrl() {
        return (peerTls ? "https://" : "http://") + HOST + ":" + peerPort;
    }

    private String healthBaseUrl() {
        return tls == null ? clientUrl() : "http://" + HOST + ":" + metricsPort;
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    public synchronized long pid() {
        if (process == null) {
            throw new IllegalStateException("etcd " + name + " was never started");
        }
        return process.pid();
    }

    /** Starts the process and waits until it reports healthy. */
    public void start() {
        launch();
        awaitHealthy(startTimeout);
    }

    /**
     * Starts the process without waiting: members of a new multi-member cluster only become healthy once a quorum
     * runs, so start them all, then {@link #awaitHealthy} each.
     */
    public synchronized void launch() {
        if (isRunning()) {
            throw new IllegalStateException("etcd " + name + " is already running (pid " + process.pid() + ")");
        }
        try {
            Files.createDirectories(dataDir);
            // etcd wants its data dir private (0700) and warns otherwise.
            Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException | UnsupportedOperationException e) {
            throw new StoreException("cannot prepare etcd data dir " + dataDir + ": " + e.getMessage(), e);
        }
        // An etcd already listening there would answer our health checks in this one's place.
        for (int port : new int[] {clientPort, peerPort}) {
            if (!LocalPorts.isFree(port)) {
                throw new StoreException("cannot start etcd " + name + ": port " + port + " on " + HOST
                        + " is in use (another etcd?)");
            }
        }
        List<String> cmd = new ArrayList<>(command());
        if (detached && Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            cmd.add(0, "/usr/bin/setsid"); // its own session: Ctrl-C on the owner's terminal does not reach it
        }
        log.info("starting etcd {} on {} (data {})", name, clientUrl(), dataDir);
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()));
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new StoreException("cannot run " + binary + ": " + e.getMessage(), e);
        }
        if (!hooked && !detached) {
            Runtime.getRuntime().addShutdownHook(shutdownHook);
            hooked = true;
        }
    }

    List<String> command() {
        List<String> cmd = new ArrayList<>(List.of(
                binary.toString(),
                "--name=" + name,
                "--data-dir=" + dataDir,
                "--listen-client-urls=" + clientUrl(),
                "--advertise-client-urls=" + clientUrl(),
                "--listen-peer-urls=" + peerUrl(),
                "--initial-advertise-peer-urls=" + peerUrl(),
                "--initial-cluster=" + initialCluster,
                "--initial-cluster-state=" + initialClusterState,
                "--logger=zap"));
        if (tls != null) {
            cmd.add("--cert-file=" + tls.cert());
            cmd.add("--key-file=" + tls.key());
            if (tls.clientCa() != null) {
                cmd.add("--trusted-ca-file=" + tls.clientCa());
                cmd.add("--client-cert-auth");
            }
            cmd.add("--listen-metrics-urls=" + healthBaseUrl());
        }
        if (peerTls) {
            cmd.add("--peer-cert-file=" + tls.cert());
            cmd.add("--peer-key-file=" + tls.key());
            cmd.add("--peer-trusted-ca-file=" + tls.clientCa());
            cmd.add("--peer-client-cert-auth");
        }
        if (fastTimings) {
            cmd.add("--heartbeat-interval=10");
            cmd.add("--election-timeout=50");
        }
        cmd.addAll(extraArgs);
        return cmd;
    }

    /** Waits until {@code GET /health} answers {@code "health":"true"}; fails early if the process exits. */
    public void awaitHealthy(Duration timeout) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(250)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(healthBaseUrl() + "/health"))
                .timeout(Duration.ofMillis(500)).GET().build();
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (true) {
            Process p;
            synchronized (this) {
                p = process;
            }
            if (p == null || !p.isAlive()) {
                throw new StoreException("etcd " + name + " exited"
                        + (p == null ? "" : " with code " + p.exitValue()) + " before becoming healthy; log "
                        + logFile() + ":\n" + logTail(20));
            }
            try {
                HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().replace(" ", "").contains("\"health\":\"true\"")) {
                    return;
                }
                last = r.statusCode() + " " + r.body().strip();
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreException("interrupted while waiting for etcd " + name, e);
            }
            if (System.nanoTime() > deadline) {
                throw new StoreException("etcd " + name + " at " + clientUrl() + " not healthy after "
                        + Calls.format(timeout) + " (last answer: " + last + "); log " + logFile() + ":\n"
                        + logTail(20));
            }
            sleep(20);
        }
    }

    /** Graceful stop (SIGTERM), then kill if it does not exit within 10 s. */
    public synchronized void stop() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                log.warn("etcd {} ignored SIGTERM for 10s, killing it", name);
                kill();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** Kills the process at once ({@code kill -9}): no clean shutdown, as in a crash. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops (if running) and starts again on the same ports and data dir, then waits until healthy. */
    public void restart() {
        stop();
        start();
    }

    /** Stops the process. The data dir stays (it may be a user's). */
    @Override
    public synchronized void close() {
        stop();
        if (hooked) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down
            }
            hooked = false;
        }
    }

    private void destroyOnExit() {
        Process p = process;
        if (p != null && p.isAlive()) {
            p.destroy();
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
            }
        }
    }

    /** The last lines of the log, for error messages. */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(logFile(), StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public String toString() {
        return "etcd " + name + " at " + clientUrl();
    }

    /** The {@code etcd} binary: {@code $ETCD_BINARY} if set (e.g. to test another version), else the one on PATH. */
    public static Path findBinary() {
        String explicit = System.getenv("ETCD_BINARY");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String path = Objects.requireNonNullElse(System.getenv("PATH"), "") + File.pathSeparator
                + "/usr/local/bin" + File.pathSeparator + "/usr/bin";
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                Path candidate = Path.of(dir, "etcd");
                if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                    return candidate;
                }
            }
        }
        throw new StoreException("etcd binary not found on PATH (Debian: apt-get install etcd-server; "
                + "or set ETCD_BINARY)");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting for etcd", e);
        }
    }

    /**
     * Server certificate and key (PEM) for the client port; with {@code clientCa}, clients must present a
     * certificate signed by it.
     */
    public record Tls(Path cert, Path key, Path clientCa) {
        public Tls {
            Objects.requireNonNull(cert, "cert");
            Objects.requireNonNull(key, "key");
        }
    }
}
