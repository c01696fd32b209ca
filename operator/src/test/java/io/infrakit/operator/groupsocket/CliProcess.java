package io.infrakit.operator.groupsocket;

import io.infrakit.operator.testing.ClasspathSnapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code infrakit ARGS...} as a real process: a JVM running the CLI's main class, its stdout and stderr in a log
 * file, without the test's INFRAKIT_* variables (only those given). Every process still running when the test JVM
 * exits is killed.
 */
public final class CliProcess implements AutoCloseable {

    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly),
                "cli-process-reaper"));
    }

    private final Process process;
    private final Path log;

    private CliProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
        LIVE.add(process);
        process.onExit().thenRun(() -> LIVE.remove(process));
    }

    public static CliProcess start(Path log, Map<String, String> env, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx192m", "-cp", ClasspathSnapshot.get(),
                "io.infrakit.operator.cli.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("INFRAKIT_"));
        pb.environment().putAll(env);
        try {
            return new CliProcess(pb.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start infrakit " + String.join(" ", args), e);
        }
    }

    /** Runs a command to its end; its exit code and everything it printed. */
    public static Result run(Path log, Map<String, String> env, String... args) {
        try (CliProcess p = start(log, env, args)) {
            if (!p.awaitExit(Duration.ofSeconds(60))) {
                throw new AssertionError("infrakit " + String.join(" ", args) + " did not finish; output:\n"
                        + p.output());
            }
            return new Result(p.process.exitValue(), p.output());
        }
    }

    public record Result(int exitCode, String output) {
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public int exitValue() {
        return process.exitValue();
    }

    /** {@code kill -9}, and waits until the process is gone. */
    public void kill9() {
        process.destroyForcibly();
        if (!awaitExit(Duration.ofSeconds(10))) {
            throw new AssertionError("process " + process.pid() + " survived kill -9");
        }
    }

    /** SIGTERM: the process runs its shutdown hooks. */
    public void term() {
        process.destroy();
    }

    public boolean awaitExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill9();
        }
    }

    @Override
    public String toString() {
        return "pid " + process.pid() + " (" + log.getFileName() + ")";
    }
}
