package io.infrakit.operator.ha;

import io.infrakit.operator.testing.ClasspathSnapshot;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code infrakit up} replica as a real OS process (a JVM on the test's class path), its stdout and stderr in a
 * log file. Times are epoch milliseconds of this host's wall clock, the clock the replica's log lines carry, so
 * the test's own records (kill time, SIGCONT time) and the log lines can be compared.
 */
final class ReplicaProcess implements AutoCloseable {

    /** What the replica's log lines look like; {@link #logbackConfig} makes them so. */
    static final String LOG_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{0} - %msg%n";
    private static final Pattern LINE = Pattern.compile("^(\\S+) (\\w+)\\s+\\[([^\\]]*)\\] (\\S+) - (.*)$");

    /** Every process started and not yet known dead: killed when the test JVM exits, whatever happened. */
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly),
                "replica-process-reaper"));
    }

    /** One parsed log line. */
    record LogLine(long at, String level, String thread, String logger, String message) {

        boolean gained() {
            return logger.equals("Replica") && message.startsWith("LEADERSHIP gained:");
        }

        boolean lost() {
            return logger.equals("Replica") && message.startsWith("LEADERSHIP lost:");
        }

        /** A plugin call that changed the world: {@code provisioned <id>} or {@code destroyed <id> (...)}. */
        boolean pluginAction() {
            return logger.equals("PlanExecutor")
                    && (message.startsWith("provisioned ") || message.startsWith("destroyed "));
        }

        @Override
        public String toString() {
            return Instant.ofEpochMilli(at) + " " + level + " [" + thread + "] " + logger + " - " + message;
        }
    }

    /** A stretch during which a replica may have acted as leader, from its "gained" line to its end. */
    record Interval(String replica, long from, long to, String end) {

        boolean contains(long t) {
            return from <= t && t <= to;
        }

        boolean overlaps(Interval o) {
            return from < o.to && o.from < to;
        }

        @Override
        public String toString() {
            return replica + " [" + Instant.ofEpochMilli(from) + " .. "
                    + (to == Long.MAX_VALUE ? "now" : Instant.ofEpochMilli(to)) + "] (" + end + ")";
        }
    }

    final String id;
    final Path log;
    final long startedAt;
    private final Process process;
    private volatile long killedAt;
    private volatile long exitedAt;
    private volatile boolean termSent;

    // The log, read incrementally.
    private final List<LogLine> lines = new ArrayList<>();
    private long offset;
    private byte[] partial = new byte[0];

    private ReplicaProcess(String id, Path log, Process process, long startedAt) {
        this.id = id;
        this.log = log;
        this.process = process;
        this.startedAt = startedAt;
        process.onExit().thenRun(() -> {
            exitedAt = System.currentTimeMillis();
            LIVE.remove(process);
        });
    }

    /**
     * Starts {@code infrakit up --id ID ARGS...}.
     *
     * @param logbackConfig a Logback file with {@link #LOG_PATTERN} on stderr (the test class path also holds the
     *                      store module's logback-test.xml, which would win otherwise)
     */
    static ReplicaProcess start(String id, Path logDir, Path logbackConfig, List<String> upArgs) {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-Xmx256m", "-XX:+UseSerialGC", "-XX:-UsePerfData",
                "-Dlogback.configurationFile=" + logbackConfig,
                "-cp", ClasspathSnapshot.get(),
                "io.infrakit.operator.cli.Main", "up", "--id", id));
        cmd.addAll(upArgs);
        Path log = logDir.resolve(id + ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("INFRAKIT_"));
        long started = System.currentTimeMillis();
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start replica " + id, e);
        }
        LIVE.add(p);
        return new ReplicaProcess(id, log, p, started);
    }

    static String logbackConfig() {
        return """
                <configuration>
                  <appender name="ERR" class="ch.qos.logback.core.ConsoleAppender">
                    <target>System.err</target>
                    <encoder><pattern>%s</pattern></encoder>
                  </appender>
                  <logger name="io.grpc" level="WARN"/>
                  <logger name="io.netty" level="WARN"/>
                  <logger name="io.vertx" level="WARN"/>
                  <logger name="io.etcd" level="WARN"/>
                  <root level="INFO"><appender-ref ref="ERR"/></root>
                </configuration>
                """.formatted(LOG_PATTERN);
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** {@code kill -9}, then waits for the process to be gone. Returns the time it was certainly dead. */
    long kill9() {
        process.destroyForcibly();
        awaitExit(Duration.ofSeconds(10));
        killedAt = System.currentTimeMillis();
        return killedAt;
    }

    /** Sends SIGTERM (graceful stop) and returns at once with the time just before sending it. */
    long term() {
        long t = System.currentTimeMillis();
        termSent = true;
        process.destroy();
        return t;
    }

    /**
     * SIGSTOP. Returns the time the signal had certainly been delivered ({@code kill} has returned): the process
     * may still log until shortly before, not after.
     */
    long stop() {
        signal("STOP");
        awaitAllThreadsStopped();
        return System.currentTimeMillis();
    }

    /**
     * kill(2) returns once SIGSTOP is queued; a thread running on another core goes on for a moment until it takes
     * it. Only when every thread shows state T has the process stopped acting.
     */
    private void awaitAllThreadsStopped() {
        Path tasks = Path.of("/proc", Long.toString(process.pid()), "task");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            try (java.util.stream.Stream<Path> all = Files.list(tasks)) {
                if (all.allMatch(ReplicaProcess::stopped)) {
                    return;
                }
            } catch (IOException | java.io.UncheckedIOException e) {
                return; // no /proc here: the signal's return is as close as can be told
            }
            Thread.onSpinWait();
        }
    }

    private static boolean stopped(Path task) {
        try {
            String stat = Files.readString(task.resolve("stat"), StandardCharsets.US_ASCII);
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state == 'T' || state == 't' || state == 'Z' || state == 'X';
        } catch (IOException | RuntimeException e) {
            return true; // the thread is gone
        }
    }

    /** SIGCONT. Returns the time just before sending it: nothing the process logs can be older than that. */
    long cont() {
        long t = System.currentTimeMillis();
        signal("CONT");
        return t;
    }

    private void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
                    .redirectErrorStream(true).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed: "
                        + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    boolean awaitExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Whether the process is gone though the test neither killed nor stopped it (it crashed or failed to start). */
    boolean diedOnItsOwn() {
        return !process.isAlive() && killedAt == 0 && !termSent;
    }

    /** When the process ended: the test's kill time for a kill -9, else when its exit was seen; 0 while it runs. */
    long endedAt() {
        if (killedAt != 0) {
            return killedAt;
        }
        if (!process.isAlive()) {
            long e = exitedAt;
            return e != 0 ? e : System.currentTimeMillis();
        }
        return 0;
    }

    /** Every complete line of the log so far (lines that are not log records, e.g. stack traces, are skipped). */
    synchronized List<LogLine> lines() {
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            long length = f.length();
            if (length > offset) {
                byte[] chunk = new byte[(int) (length - offset)];
                f.seek(offset);
                f.readFully(chunk);
                offset = length;
                byte[] all = new byte[partial.length + chunk.length];
                System.arraycopy(partial, 0, all, 0, partial.length);
                System.arraycopy(chunk, 0, all, partial.length, chunk.length);
                int start = 0;
                for (int i = 0; i < all.length; i++) {
                    if (all[i] == '\n') {
                        parse(new String(all, start, i - start, StandardCharsets.UTF_8));
                        start = i + 1;
                    }
                }
                partial = Arrays.copyOfRange(all, start, all.length);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + log, e);
        }
        return List.copyOf(lines);
    }

    private void parse(String text) {
        Matcher m = LINE.matcher(text);
        if (!m.matches()) {
            return;
        }
        long at;
        try {
            at = OffsetDateTime.parse(m.group(1)).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            return;
        }
        lines.add(new LogLine(at, m.group(2), m.group(3), m.group(4), m.group(5)));
    }

    Optional<LogLine> first(Predicate<LogLine> which) {
        return lines().stream().filter(which).findFirst();
    }

    List<LogLine> all(Predicate<LogLine> which) {
        return lines().stream().filter(which).toList();
    }

    /** Waits for a line; fails early if the process died without writing it. */
    LogLine awaitLine(Duration timeout, String what, Predicate<LogLine> which) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<LogLine> found = first(which);
            if (found.isPresent()) {
                return found.get();
            }
            if (!process.isAlive()) {
                found = first(which); // written just before it exited
                if (found.isPresent()) {
                    return found.get();
                }
                throw new AssertionError(id + " exited without logging " + what + "; log tail:\n" + tail(40));
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + id
                        + " to log " + what + "; log tail:\n" + tail(40));
            }
            pause(5);
        }
    }

    /** Whether the replica is acting as leader by its log: its last leadership line is "gained". */
    boolean leadsByLog() {
        LogLine last = null;
        for (LogLine l : lines()) {
            if (l.gained() || l.lost()) {
                last = l;
            }
        }
        return last != null && last.gained() && process.isAlive();
    }

    /**
     * The stretches during which this replica may have acted: from each "LEADERSHIP gained" line to the next
     * "LEADERSHIP lost" line (logged once it has stopped acting) or, without one, to the end of the process (its
     * kill time) or, while it runs, to {@link Long#MAX_VALUE}.
     */
    List<Interval> leadership() {
        List<Interval> out = new ArrayList<>();
        Long open = null;
        for (LogLine l : lines()) {
            if (l.gained()) {
                if (open != null) {
                    throw new AssertionError(id + " logged LEADERSHIP gained twice without lost in between: " + l);
                }
                open = l.at();
            } else if (l.lost() && open != null) {
                out.add(new Interval(id, open, l.at(), "lost"));
                open = null;
            }
        }
        if (open != null) {
            long end = endedAt();
            out.add(new Interval(id, open, end == 0 ? Long.MAX_VALUE : end,
                    end == 0 ? "still leading" : killedAt != 0 ? "killed" : "exited"));
        }
        return out;
    }

    String tail(int n) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - n), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Kills the process if it still runs (a frozen one too: SIGKILL needs no SIGCONT). */
    @Override
    public void close() {
        if (process.isAlive()) {
            kill9();
        }
        LIVE.remove(process);
    }

    @Override
    public String toString() {
        return id + " (pid " + process.pid() + (process.isAlive() ? "" : ", ended") + ")";
    }
}
