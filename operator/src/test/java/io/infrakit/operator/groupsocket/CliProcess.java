package io.infrakit.operator.groupsocket;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code infrakit ARGS...} as a real process: a JVM running the CLI's main class, its stdout and stderr in a log
 * file, without the test's INFRAKIT_* variables (only those given). Every process still running when the test JVM
 * exits is killed.
 */
final class CliProcess implements AutoCloseable {

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

    static CliProcess start(Path log, Map<String, String> env, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx192m", "-cp", Classpath.get(),
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
    static Result run(Path log, Map<String, String> env, String... args) {
        try (CliProcess p = start(log, env, args)) {
            if (!p.awaitExit(Duration.ofSeconds(60))) {
                throw new AssertionError("infrakit " + String.join(" ", args) + " did not finish; output:\n"
                        + p.output());
            }
            return new Result(p.process.exitValue(), p.output());
        }
    }

    record Result(int exitCode, String output) {
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    int exitValue() {
        return process.exitValue();
    }

    /** {@code kill -9}, and waits until the process is gone. */
    void kill9() {
        process.destroyForcibly();
        if (!awaitExit(Duration.ofSeconds(10))) {
            throw new AssertionError("process " + process.pid() + " survived kill -9");
        }
    }

    /** SIGTERM: the process runs its shutdown hooks. */
    void term() {
        process.destroy();
    }

    boolean awaitExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    String output() {
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

    /**
     * The test's class path without test classes, the project's own entries (build output, SNAPSHOT jars) copied
     * once per test JVM: a child loads classes lazily, and a build in the same tree may rewrite them meanwhile.
     */
    private static final class Classpath {
        private static String path;

        static synchronized String get() {
            if (path == null) {
                path = copy();
            }
            return path;
        }

        private static String copy() {
            try {
                Path dir = Files.createTempDirectory("infrakit-cli-classpath-");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir), "cli-classpath-cleanup"));
                List<String> entries = new ArrayList<>();
                int n = 0;
                for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
                    Path p = Path.of(entry);
                    String name = p.getFileName() == null ? "" : p.getFileName().toString();
                    if (name.equals("test-classes") || name.endsWith("-tests.jar")) {
                        continue;
                    }
                    if (Files.isDirectory(p) || name.contains("SNAPSHOT")) {
                        Path copy = dir.resolve(n++ + "-" + name);
                        try (Stream<Path> files = Files.walk(p)) {
                            for (Path f : (Iterable<Path>) files::iterator) {
                                Files.copy(f, copy.resolve(p.relativize(f).toString()),
                                        StandardCopyOption.REPLACE_EXISTING);
                            }
                        }
                        entries.add(copy.toString());
                    } else {
                        entries.add(entry);
                    }
                }
                return String.join(File.pathSeparator, entries);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot copy the class path", e);
            }
        }

        private static void delete(Path root) {
            try (Stream<Path> files = Files.walk(root)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException e) {
                // best effort at exit
            }
        }
    }
}
