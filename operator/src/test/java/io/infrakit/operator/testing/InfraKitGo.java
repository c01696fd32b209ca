package io.infrakit.operator.testing;

import io.infrakit.plugins.testing.LabScripts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * InfraKit v0.5's own Go programs ({@code infrakit-group-default}, {@code infrakit-instance-file},
 * {@code infrakit-flavor-vanilla}), built once by {@code operator/src/test/go/infrakit-v0.5/build.sh} with Debian's
 * Go and kept in the temp directory under the script's hash. InfraKit's source is not part of this repository: the
 * build takes it from {@value #SOURCE_ENV} (a git directory of docker/infrakit with the tag v0.5, or its files).
 * Where neither the binaries nor Go and the source are at hand, the test is skipped and says why.
 */
public final class InfraKitGo {

    /** Where InfraKit's source is: a git directory of docker/infrakit holding the tag v0.5, or its files. */
    public static final String SOURCE_ENV = "INFRAKIT_GO_SOURCE";

    public static final String GROUP = "infrakit-group-default";
    public static final String INSTANCE_FILE = "infrakit-instance-file";
    public static final String FLAVOR_VANILLA = "infrakit-flavor-vanilla";
    private static final String SCRIPT = "operator/src/test/go/infrakit-v0.5/build.sh";

    private InfraKitGo() {
    }

    /** The directory holding the three binaries; builds them when needed, skips the test when it cannot. */
    public static synchronized Path binaries() {
        Path script = LabScripts.find(SCRIPT);
        Path dir;
        try {
            String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(Files.readAllBytes(script)), 0, 6);
            dir = Path.of(System.getProperty("java.io.tmpdir"), "infrakit-go-v0.5-" + hash);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        if (List.of(GROUP, INSTANCE_FILE, FLAVOR_VANILLA).stream().allMatch(b -> Files.isExecutable(dir.resolve(b)))) {
            return dir;
        }
        String source = System.getenv(SOURCE_ENV);
        Assumptions.assumeTrue(source != null && Files.isDirectory(Path.of(source)), "InfraKit's Go binaries are "
                + "not built in " + dir + " and " + SOURCE_ENV + " names no copy of docker/infrakit's source (tag "
                + "v0.5) to build them from: tests against InfraKit's own programs skipped");
        Assumptions.assumeTrue(onPath("go"), "Go is not installed (apt-get install golang-go): tests against "
                + "InfraKit's own programs skipped");
        LabScripts.run(SCRIPT, Map.of(), Duration.ofMinutes(10), source, dir.toString());
        return dir;
    }

    private static boolean onPath(String command) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, command))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Starts one of the binaries as the plugin {@code name} in {@code pluginsDir} (InfraKit's discovery directory,
     * {@code INFRAKIT_PLUGINS_DIR}) and waits until its socket answers.
     */
    public static Plugin start(String binary, Path pluginsDir, String name, Path log, String... args) {
        List<String> cmd = new ArrayList<>(List.of(binaries().resolve(binary).toString(), "--name", name,
                "--log", "5"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("INFRAKIT_"));
        pb.environment().put("INFRAKIT_PLUGINS_DIR", pluginsDir.toString());
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Plugin plugin = new Plugin(p, pluginsDir.resolve(name), log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!plugin.answers()) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                plugin.close();
                throw new AssertionError(binary + " did not serve " + plugin.socket + ": " + plugin.output());
            }
            sleep(20);
        }
        return plugin;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** A running InfraKit plugin process; closing it sends SIGTERM (it removes its socket), then kills it. */
    public static final class Plugin implements AutoCloseable {
        private final Process process;
        private final Path socket;
        private final Path log;

        private Plugin(Process process, Path socket, Path log) {
            this.process = process;
            this.socket = socket;
            this.log = log;
        }

        public Path socket() {
            return socket;
        }

        boolean answers() {
            try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                probe.connect(UnixDomainSocketAddress.of(socket));
                return true;
            } catch (IOException e) {
                return false;
            }
        }

        public String output() {
            try {
                return Files.readString(log);
            } catch (IOException e) {
                return "(cannot read " + log + ": " + e + ")";
            }
        }

        /** {@code kill -9}: the socket stays behind, as after a crash. */
        public void kill9() {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
