package io.infrakit.operator.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A second OS user, {@code infrakit-other}, for the attacks that need one: made with {@code useradd} when the tests
 * run as root (CI does), its commands run with {@code runuser}. Where that cannot be, the test that asks is skipped
 * with a message saying why.
 */
final class OtherUser {

    static final String NAME = "infrakit-other";

    private final int uid;

    private OtherUser(int uid) {
        this.uid = uid;
    }

    /** The user, made if missing; skips the calling test when there can be none. */
    static OtherUser require() {
        assumeTrue("root".equals(System.getProperty("user.name")),
                "skipped: acting as a second OS user needs root (to run useradd and runuser); CI runs as root");
        assumeTrue(tool("runuser") != null && tool("useradd") != null,
                "skipped: acting as a second OS user needs useradd and runuser (Debian: passwd, util-linux)");
        for (int attempt = 0; attempt < 5 && run(List.of("id", "-u", NAME)).code() != 0; attempt++) {
            // Exit code 9: made meanwhile by a test in another JVM; 10: /etc/passwd locked by it, so try again.
            int code = run(List.of(tool("useradd"), "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
                    NAME)).code();
            if (code != 0 && code != 9) {
                sleep(200);
            }
        }
        Result id = run(List.of("id", "-u", NAME));
        assertThat(id.code()).as("useradd " + NAME + ": " + id.output()).isZero();
        return new OtherUser(Integer.parseInt(id.output().strip()));
    }

    int uid() {
        return uid;
    }

    /** Runs a command as this user to its end. */
    Result run(String... command) {
        return run(asUser(command));
    }

    /** Starts a command as this user. */
    Process start(Path log, String... command) {
        try {
            return new ProcessBuilder(asUser(command)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A directory this user owns (mode 0700), for what it writes; its parents must let it through. */
    Path directory(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.setAttribute(dir, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        return dir;
    }

    /** Lets every user through a directory (and into its files) without letting them list it or write it. */
    static void traversable(Path dir) throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
    }

    /**
     * Starts {@code PlantedPlugin} as this user: an instance plugin listening on each socket, writing every request
     * it receives to {@code capture}. Returns once the sockets exist.
     */
    Process plant(Path work, Path capture, Path... sockets) throws IOException, InterruptedException {
        Path source = work.resolve("PlantedPlugin.java");
        try (InputStream in = Objects.requireNonNull(
                OtherUser.class.getResourceAsStream("/security/PlantedPlugin.java"))) {
            Files.copy(in, source);
        }
        Files.setPosixFilePermissions(source, PosixFilePermissions.fromString("rw-r--r--"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:-UsePerfData", "-XX:TieredStopAtLevel=1", "-Xmx64m", source.toString(), capture.toString()));
        for (Path socket : sockets) {
            cmd.add(socket.toString());
        }
        Path log = work.resolve("planted.log");
        Process p = start(log, cmd.toArray(String[]::new));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.readString(log).contains("planted")) {
            assertThat(p.isAlive()).as("the planted plugin exited: " + Files.readString(log)).isTrue();
            assertThat(System.nanoTime()).as("the planted plugin did not start").isLessThan(deadline);
            Thread.sleep(50);
        }
        return p;
    }

    record Result(int code, String output) {
    }

    private static List<String> asUser(String... command) {
        List<String> cmd = new ArrayList<>(List.of(tool("runuser"), "-u", NAME, "--"));
        cmd.addAll(List.of(command));
        return cmd;
    }

    private static Result run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish");
            }
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String tool(String name) {
        for (String dir : List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin")) {
            if (Files.isExecutable(Path.of(dir, name))) {
                return dir + "/" + name;
            }
        }
        return null;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
