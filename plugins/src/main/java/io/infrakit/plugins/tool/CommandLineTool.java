package io.infrakit.plugins.tool;

import io.infrakit.plugins.spi.PluginException;
import io.infrakit.plugins.state.PrivateFiles;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A command-line tool an instance plugin drives: {@code tofu}, {@code vagrant}. The binary is looked up on every run
 * (a tool installed after the operator started is found), and a missing one is a {@link PluginException} that says
 * which option names another. Each run has a deadline: past it the tool gets SIGTERM (OpenTofu and Vagrant stop
 * cleanly on it, saving their state), and SIGKILL {@link #KILL_GRACE} later, with its children. Everything a run
 * prints is appended to a log file (mode 0600: init scripts show in it), so a failure can be read in full; the
 * caller gets the last {@link #KEPT_OUTPUT} characters of each stream.
 */
public final class CommandLineTool {

    static final int KEPT_OUTPUT = 64 * 1024;
    static final Duration KILL_GRACE = Duration.ofSeconds(10);
    /** The log is rotated to {@code .1} past this size. */
    static final long LOG_LIMIT = 10L * 1024 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(CommandLineTool.class);

    private final String binary;
    private final String option;
    private final Map<String, String> environment;
    private final Path log;

    /**
     * @param binary      a name looked up on {@code PATH}, or a path
     * @param option      the command-line option that chooses the binary, for the error when it is missing
     * @param environment set on top of this process's environment for every run
     * @param log         file every run's output is appended to (its directory is created)
     */
    public CommandLineTool(String binary, String option, Map<String, String> environment, Path log) {
        if (binary == null || binary.isBlank()) {
            throw new IllegalArgumentException("no binary given");
        }
        this.binary = binary;
        this.option = Objects.requireNonNull(option, "option");
        this.environment = Map.copyOf(environment);
        this.log = Objects.requireNonNull(log, "log").toAbsolutePath();
    }

    public String binary() {
        return binary;
    }

    public Path log() {
        return log;
    }

    /** The executable, or a {@link PluginException} that says what was searched and how to name another. */
    public Path executable() {
        return find(binary).orElseThrow(() -> new PluginException(binary.contains("/")
                ? binary + " is not an executable file (" + option + ")"
                : "'" + binary + "' was not found on PATH (" + System.getenv("PATH") + "); install it or name the "
                        + "binary with " + option));
    }

    /** The binary's path if it is an executable file, or found as one on {@code PATH}. */
    public static java.util.Optional<Path> find(String binary) {
        if (binary.contains("/")) {
            Path p = Path.of(binary);
            return Files.isRegularFile(p) && Files.isExecutable(p) ? java.util.Optional.of(p.toAbsolutePath())
                    : java.util.Optional.empty();
        }
        String path = System.getenv("PATH");
        if (path == null) {
            return java.util.Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, binary);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return java.util.Optional.of(p);
            }
        }
        return java.util.Optional.empty();
    }

    /**
     * Runs the tool in {@code dir} and waits for it.
     *
     * @param extraEnv more environment for this run only
     * @throws PluginException when the binary is missing, cannot start, or outlives {@code timeout}; a tool that
     *                         ran and failed is not an exception: see {@link ToolRun#ok()}
     */
    public ToolRun run(Path dir, Map<String, String> extraEnv, Duration timeout, String... args) {
        List<String> command = new ArrayList<>();
        command.add(executable().toString());
        command.addAll(List.of(args));
        String shown = binary + " " + String.join(" ", args);
        Path out = null;
        Path err = null;
        long start = System.nanoTime();
        try {
            PrivateFiles.createDirectories(log.getParent());
            out = Files.createTempFile(log.getParent(), ".run", ".out");
            err = Files.createTempFile(log.getParent(), ".run", ".err");
            ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().putAll(environment);
            pb.environment().putAll(extraEnv);
            Process process = pb.start();
            LOG.debug("started {} in {} (pid {})", shown, dir, process.pid());
            boolean finished = await(process, timeout, shown);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            String stdout = tail(out);
            String stderr = tail(err);
            append(shown, dir, finished ? process.exitValue() : -1, took, out, err);
            if (!finished) {
                throw new PluginException(shown + " did not finish within " + timeout.toSeconds() + " s and was "
                        + "stopped; its output is in " + log);
            }
            return new ToolRun(shown, process.exitValue(), stdout, stderr, took);
        } catch (IOException e) {
            throw new PluginException("cannot run " + shown + " in " + dir + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    /** Waits for the process; past the deadline (or when interrupted) stops it and its children. */
    private static boolean await(Process process, Duration timeout, String shown) {
        try {
            if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return true;
            }
            LOG.warn("{} runs for more than {} s: stopping it", shown, timeout.toSeconds());
            stop(process);
            return false;
        } catch (InterruptedException e) {
            stop(process);
            Thread.currentThread().interrupt();
            throw new PluginException("interrupted while running " + shown + "; it was stopped", e);
        }
    }

    private static void stop(Process process) {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        children.forEach(ProcessHandle::destroyForcibly);
    }

    private static String tail(Path file) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long length = f.length();
            long from = Math.max(0, length - KEPT_OUTPUT);
            byte[] bytes = new byte[(int) (length - from)];
            f.seek(from);
            f.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /** Appends a run's header and both streams to the log, rotating it first when it grew past the limit. */
    private synchronized void append(String shown, Path dir, int exit, Duration took, Path out, Path err) {
        try {
            if (Files.exists(log) && Files.size(log) > LOG_LIMIT) {
                Files.move(log, log.resolveSibling(log.getFileName() + ".1"), StandardCopyOption.REPLACE_EXISTING);
            }
            PrivateFiles.createFile(log);
            Map<String, Path> streams = new LinkedHashMap<>();
            streams.put("stdout", out);
            streams.put("stderr", err);
            StringBuilder header = new StringBuilder().append("=== ").append(Instant.now()).append(' ').append(shown)
                    .append(" (in ").append(dir).append(", exit ").append(exit).append(", ").append(took.toMillis())
                    .append(" ms)\n");
            Files.writeString(log, header, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            for (Map.Entry<String, Path> s : streams.entrySet()) {
                if (Files.size(s.getValue()) > 0) {
                    Files.writeString(log, "--- " + s.getKey() + "\n", StandardOpenOption.APPEND);
                    Files.write(log, Files.readAllBytes(s.getValue()), StandardOpenOption.APPEND);
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot write the output of {} to {}: {}", shown, log, e.toString());
        }
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                LOG.debug("cannot delete {}", file, e);
            }
        }
    }

    @Override
    public String toString() {
        return "CommandLineTool[" + binary + "]";
    }
}
