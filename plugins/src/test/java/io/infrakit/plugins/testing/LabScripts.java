package io.infrakit.plugins.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The tutorials' own scripts under {@code deploy/}, run by tests so that the tests keep them working. */
public final class LabScripts {

    private LabScripts() {
    }

    /** A file by its path from the project's root (a script, or a source), found from the module's directory up. */
    public static Path find(String relative) {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path script = d.resolve(relative);
            if (Files.exists(script)) {
                return script;
            }
        }
        throw new IllegalStateException(relative + " not found above " + Path.of("").toAbsolutePath());
    }

    /**
     * Runs a script to its end; its output goes to a file (a test JVM's own stdout belongs to the test runner) and
     * into the exception when it fails or takes too long.
     */
    public static void run(String relative, Map<String, String> env, Duration timeout, String... args) {
        Path script = find(relative);
        try {
            Path log = Files.createTempFile("infrakit-lab-script", ".log");
            String[] command = new String[args.length + 1];
            command[0] = script.toString();
            System.arraycopy(args, 0, command, 1, args.length);
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " failed: " + Files.readString(log));
            }
            Files.delete(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
