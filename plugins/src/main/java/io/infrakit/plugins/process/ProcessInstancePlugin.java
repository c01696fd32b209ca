package io.infrakit.plugins.process;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.plugins.access.HostAccess;
import io.infrakit.plugins.json.KeyAudit;
import io.infrakit.plugins.state.InfraKitHome;
import io.infrakit.plugins.group.Tags;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.fence.FencedInstancePlugin;
import io.infrakit.plugins.fence.TermFence;
import io.infrakit.plugins.spi.InstancePlugin;
import io.infrakit.plugins.spi.InstanceSpec;
import io.infrakit.plugins.spi.PluginException;
import io.infrakit.plugins.spi.TagMatch;
import io.infrakit.plugins.state.PrivateFiles;
import io.infrakit.plugins.supervision.ChangeListeners;
import io.infrakit.plugins.supervision.CrashLoops;
import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code process} instance plugin: each instance is an OS process running the flavor's init script (then the
 * {@code Command} property) with {@code /bin/sh -c}, in a session of its own ({@code setsid}), so it is neither
 * stopped with the JVM nor by a Ctrl-C meant for the operator. Its output goes to {@code <state dir>/<id>.log}.
 *
 * <p>Each instance has a state file {@code <state dir>/<id>.json} with its pid, its start time from
 * {@code /proc} and its tags, written atomically. An instance exists while that pid runs with that start time, so
 * a recycled pid is never taken for the instance, and a new plugin on the same directory (an operator restart)
 * finds the processes again. A process that exits is reported through {@link #onChange} at once. State files and
 * logs are 0600 and a state directory the plugin creates 0700: scripts and their output carry secrets. Of the
 * processes that are gone, the logs of the last {@value DeadLogs#KEEP} in each group are kept.
 */
public final class ProcessInstancePlugin implements InstancePlugin, AutoCloseable {

    /** Its instances run here: the flavor's init script, {@code Command}, with {@code Env}. */
    public static final HostAccess HOST_ACCESS = properties -> ProcessProperties.parse(properties).hostRequests();

    private static final Logger LOG = LoggerFactory.getLogger(ProcessInstancePlugin.class);
    private static final String STATE = ".json";
    private static final String LOG_FILE = ".log";
    static final Duration CHECK_PERIOD = Duration.ofMillis(200);

    private final Path dir;
    private final Duration checkPeriod;
    /** Serialises read-modify-write of state files (label) against their removal. */
    private final Object mutation = new Object();
    private final ChangeListeners listeners = new ChangeListeners();
    private final CrashLoops crashLoops = new CrashLoops();
    private final DeadLogs deadLogs;
    /** Started by the first provision or listener: a CLI that only validates specs watches nothing. */
    private ExitWatcher exits;
    private boolean closed;

    /**
     * @param stateDir where state files and logs live; created when missing
     * @throws PluginException when the directory cannot be created
     */
    public ProcessInstancePlugin(Path stateDir) {
        this(stateDir, CHECK_PERIOD);
    }

    /** With another period for the {@code /proc} check: a long one leaves children's exits to {@code onExit()}. */
    ProcessInstancePlugin(Path stateDir, Duration checkPeriod) {
        this.dir = Objects.requireNonNull(stateDir, "stateDir").toAbsolutePath();
        this.checkPeriod = Objects.requireNonNull(checkPeriod, "checkPeriod");
        this.deadLogs = new DeadLogs(this.dir);
        try {
            PrivateFiles.createDirectories(this.dir);
        } catch (IOException e) {
            throw new PluginException("cannot create the process state directory " + this.dir + ": " + e, e);
        }
    }

    /** The exit watcher, started on first use with every running instance found in the directory. */
    private synchronized ExitWatcher exits() {
        if (exits == null) {
            if (closed) {
                throw new PluginException("the process plugin on " + dir + " is closed");
            }
            exits = new ExitWatcher(this::exited, checkPeriod);
            for (ProcessRecord r : records()) {
                if (r.alive()) { // found again after a restart: not our child, so watched through /proc
                    exits.watchFound(r.id(), group(r.tags()), r.pid(), r.startTicks());
                }
            }
        }
        return exits;
    }

    /** {@code instances/process} in InfraKit's home ({@link InfraKitHome}). */
    public static Path defaultDirectory() {
        return InfraKitHome.dir().resolve("instances").resolve("process");
    }

    public Path directory() {
        return dir;
    }

    /** Where an instance's output goes. */
    public Path logFile(String instanceId) {
        return dir.resolve(checkId(instanceId) + LOG_FILE);
    }

    @Override
    public List<KeyAudit.UnknownKey> unknownKeys(JsonNode properties) {
        return KeyAudit.of(() -> ProcessProperties.parse(properties));
    }

    @Override
    public void validate(JsonNode properties) {
        ProcessProperties.parse(properties);
    }

    @Override
    public String provision(InstanceSpec spec) {
        Objects.requireNonNull(spec, "spec");
        ProcessProperties props = ProcessProperties.parse(spec.properties());
        String id = newId();
        Path log = logFile(id);
        try {
            PrivateFiles.createFile(log); // the child appends to it: created here, so with our mode, not the umask's
        } catch (IOException e) {
            throw new PluginException("cannot create the log of instance " + id + ": " + e, e);
        }
        ProcessBuilder builder = new ProcessBuilder("setsid", "/bin/sh", "-c", props.script(spec.init()))
                .directory(props.dir().isEmpty() ? dir.toFile() : new File(props.dir()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> env = builder.environment();
        env.putAll(props.env());
        env.put("INFRAKIT_GROUP", spec.tagsOrEmpty().getOrDefault(Tags.GROUP, ""));
        env.put("INFRAKIT_INSTANCE_ID", id);
        env.put("INFRAKIT_LOGICAL_ID", spec.logicalId() == null ? "" : spec.logicalId());
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new PluginException("cannot start instance " + id + ": " + e, e);
        }
        // An instantly failing script may be gone already: then its record says so (no start time) and it is
        // reported gone; the ID is still valid to destroy.
        long ticks = ProcStat.read(process.pid()).map(ProcStat::startTicks).orElse(-1L);
        ExitWatcher watcher = exits();
        ProcessRecord record = new ProcessRecord(id, spec.logicalId(), spec.tagsOrEmpty(), process.pid(), ticks,
                log.toString(), spec);
        PrivateFiles.writeRecord(stateFile(id), record.toBytes());
        watcher.watchChild(id, group(spec.tagsOrEmpty()), process.pid(), ticks, process.onExit());
        LOG.info("started instance {} (pid {}), output in {}", id, process.pid(), log);
        return id;
    }

    @Override
    public void label(String instanceId, Map<String, String> labels) {
        synchronized (mutation) {
            ProcessRecord record = find(instanceId);
            Map<String, String> tags = new LinkedHashMap<>(record.tags());
            tags.putAll(labels);
            PrivateFiles.writeRecord(stateFile(instanceId), record.withTags(tags).toBytes());
        }
    }

    /** SIGTERM to the instance's process group, SIGKILL after the group's {@code StopGrace} (default 10 s). */
    @Override
    public void destroy(String instanceId, String reason) {
        ProcessRecord record = readRecord(stateFile(instanceId));
        if (record == null) {
            throw new PluginException("instance " + instanceId + " not found in " + dir);
        }
        unwatch(instanceId);
        Duration grace = ProcessProperties.parse(record.spec() == null ? null : record.spec().properties()).stopGrace();
        try {
            if (Stopper.stop(record.pid(), record.startTicks(), grace)) {
                LOG.warn("instance {} (pid {}) ignored SIGTERM for {}; killed", instanceId, record.pid(), grace);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PluginException("interrupted while stopping instance " + instanceId, e);
        }
        synchronized (mutation) {
            deadLogs.bury(stateFile(instanceId), record);
        }
        LOG.info("destroyed instance {} (pid {}, {})", instanceId, record.pid(), reason);
    }

    /** Calls of a leader's term, fenced by the newest term kept in this plugin's directory ({@link TermFence}). */
    @Override
    public InstancePlugin fenced(long term) {
        return new FencedInstancePlugin(this, TermFence.inDirectory(dir), term);
    }

    /** The instances whose process runs; exited processes are forgotten (the last few logs of a group stay). */
    @Override
    public List<InstanceDescription> describeInstances(Map<String, String> tags, boolean properties) {
        List<InstanceDescription> found = new ArrayList<>();
        for (ProcessRecord r : records()) {
            if (!r.alive()) {
                forget(r);
            } else if (TagMatch.matches(r.tags(), tags)) {
                found.add(r.describe(properties));
            }
        }
        found.sort(Comparator.comparing(InstanceDescription::id));
        return found;
    }

    private synchronized void unwatch(String instanceId) {
        if (exits != null) {
            exits.unwatch(instanceId);
        }
    }

    /** The listener runs, from a watcher thread, whenever an instance's process exits other than by destroy. */
    @Override
    public AutoCloseable onChange(Runnable listener) {
        Objects.requireNonNull(listener, "listener");
        exits();
        return listeners.add(listener);
    }

    /** Stops watching; the processes keep running, to be found by the next plugin on this directory. */
    @Override
    public synchronized void close() {
        closed = true;
        if (exits != null) {
            exits.close();
        }
        listeners.clear();
    }

    private static String group(Map<String, String> tags) {
        return tags.getOrDefault(Tags.GROUP, "");
    }

    /** Reports an exit to the listeners: at once, or later when the group is in a crash loop. */
    private void exited(ExitWatcher.Exit exit) {
        Duration delay = crashLoops.delay(exit.group(), exit.lived(), exit.atNanos());
        if (delay.isZero()) {
            LOG.warn("instance {} exited; its output is in {}", exit.id(), logFile(exit.id()));
            listeners.fire();
            return;
        }
        LOG.warn("instance {} exited after {} ms, {} quick exits in a row in group '{}': reporting it in {} ms; "
                + "its output is in {}", exit.id(), exit.lived().toMillis(), crashLoops.streak(exit.group()),
                exit.group(), delay.toMillis(), logFile(exit.id()));
        ExitWatcher watcher = exits;
        if (watcher != null) {
            watcher.later(listeners::fire, delay);
        }
    }

    private void forget(ProcessRecord r) {
        synchronized (mutation) {
            ProcessRecord current = readRecord(stateFile(r.id()));
            if (current != null && current.pid() == r.pid() && !current.alive()) {
                deadLogs.bury(stateFile(r.id()), current);
            }
        }
    }

    private List<ProcessRecord> records() {
        List<ProcessRecord> list = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "*" + STATE)) {
            for (Path p : entries) {
                if (!p.getFileName().toString().startsWith(".")) {
                    ProcessRecord r = readRecord(p);
                    if (r != null) {
                        list.add(r);
                    }
                }
            }
        } catch (NoSuchFileException e) {
            // An error, not "no instances": a controller would otherwise start the whole group again.
            throw new PluginException("the process state directory " + dir + " does not exist", e);
        } catch (IOException e) {
            throw new PluginException("cannot list the process state directory " + dir + ": " + e, e);
        }
        return list;
    }

    private ProcessRecord find(String instanceId) {
        ProcessRecord r = readRecord(stateFile(instanceId));
        if (r == null || !r.alive()) {
            throw new PluginException("instance " + instanceId + " not found in " + dir);
        }
        return r;
    }

    private ProcessRecord readRecord(Path file) {
        byte[] content;
        try {
            content = PrivateFiles.readBounded(file, PrivateFiles.MAX_RECORD_BYTES);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            LOG.warn("cannot read state file {}: {}", file, e.toString());
            return null;
        }
        try {
            return ProcessRecord.parse(content);
        } catch (IOException e) {
            LOG.warn("skipping state file {}: {}", file, e.getMessage());
            return null;
        }
    }

    private Path stateFile(String instanceId) {
        return dir.resolve(checkId(instanceId) + STATE);
    }

    private static String checkId(String instanceId) {
        if (instanceId == null || !instanceId.matches("[A-Za-z0-9_.-]+") || instanceId.startsWith(".")) {
            throw new PluginException("not a process instance ID: " + instanceId);
        }
        return instanceId;
    }

    private String newId() {
        for (int attempt = 0; attempt < 10; attempt++) {
            String id = "process-" + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
            if (!Files.exists(stateFile(id)) && !Files.exists(logFile(id))) {
                return id;
            }
        }
        throw new PluginException("cannot find a free instance ID in " + dir);
    }

    @Override
    public String toString() {
        return "ProcessInstancePlugin[" + dir + "]";
    }
}
