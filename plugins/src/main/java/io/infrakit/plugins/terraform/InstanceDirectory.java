package io.infrakit.plugins.terraform;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.json.JsonFormatException;
import io.infrakit.plugins.spi.PluginException;
import io.infrakit.plugins.state.PrivateFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plugin's working directory: the instance files, the local state ({@code terraform.tfstate}) and the plugin's own
 * files under {@code .infrakit/}. The directories are made 0700 and the instance files written 0600: they hold init
 * scripts, and so does the state OpenTofu writes beside them. Changes happen under {@link #locked} (this process's
 * lock and a file lock, so a second process serving the same directory waits its turn). The state as of the last
 * change is kept; it is read again only when the file changed and no change is under way, so listing is a directory
 * read, not a process.
 */
final class InstanceDirectory {

    static final String STATE = "terraform.tfstate";
    private static final Logger LOG = LoggerFactory.getLogger(InstanceDirectory.class);
    private static final int READ_ATTEMPTS = 5;
    /** Temporary files a killed write left behind are removed at start once they are this old. */
    private static final Duration LEFTOVER_AGE = Duration.ofMinutes(1);

    private final Path dir;
    private final Path own;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile boolean changing;
    private volatile Snapshot snapshot = new Snapshot(TofuState.EMPTY, null, Set.of());
    /** The state file's attributes and the instance files when last changed by the plugin or reported changed. */
    private volatile List<Object> reported = List.of();

    /**
     * The state, the state file's attributes it was read with (null: not read from the file yet), and the instance
     * files there were then.
     */
    private record Snapshot(TofuState state, Object fingerprint, Set<String> files) {
    }

    InstanceDirectory(Path dir) {
        this.dir = Objects.requireNonNull(dir, "dir").toAbsolutePath();
        this.own = this.dir.resolve(".infrakit");
        try {
            PrivateFiles.createDirectories(own);
            PrivateFiles.removeLeftoverTemporaries(this.dir, LEFTOVER_AGE);
        } catch (IOException e) {
            throw new PluginException("cannot create the terraform plugin's directory " + own + ": " + e, e);
        }
    }

    Path path() {
        return dir;
    }

    /** Runs a change holding this process's lock and the directory's file lock. */
    @SuppressWarnings("try") // the file lock is held for the block, not used by name
    void locked(Runnable change) {
        lock.lock();
        changing = true;
        try (FileChannel channel = FileChannel.open(own.resolve("lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
             FileLock ignored = channel.lock()) {
            change.run();
        } catch (IOException e) {
            throw new PluginException("cannot lock " + own.resolve("lock") + ": " + e.getMessage(), e);
        } finally {
            changing = false;
            lock.unlock();
        }
    }

    /** Whether a change is under way in this process (a listing reading the state is not one). */
    boolean busy() {
        return changing;
    }

    /** Makes the state after a change the one listings use. */
    void publish(TofuState state) {
        Snapshot s = new Snapshot(state, fingerprint(), instanceIds());
        snapshot = s;
        reported = List.of(String.valueOf(s.fingerprint()), s.files());
    }

    /**
     * Whether the state file or the instance files changed since the plugin last changed them or this last said so:
     * someone else changed them. The plugin's own changes are recorded as they are made, so the file events they
     * cause find nothing new; a listing that read the change meanwhile does not hide it.
     */
    synchronized boolean changedBehindItsBack() {
        List<Object> now = List.of(String.valueOf(fingerprint()), instanceIds());
        if (now.equals(reported)) {
            return false;
        }
        reported = now;
        return true;
    }

    /**
     * The state for a listing: the published one, read again first when the file changed since (someone ran
     * {@code tofu} by hand) and this process is not changing anything.
     */
    TofuState current() {
        Snapshot s = snapshot;
        if (lock.tryLock()) {
            try {
                Object now = fingerprint();
                Set<String> files = instanceIds();
                if (!Objects.equals(now, s.fingerprint()) || !files.equals(s.files())) {
                    s = new Snapshot(Objects.equals(now, s.fingerprint()) ? s.state() : readState(), now, files);
                    snapshot = s;
                }
            } finally {
                lock.unlock();
            }
        }
        return s.state();
    }

    /**
     * Reads the state file; a file another process is writing is read again a few times.
     *
     * @throws PluginException also when the directory uses a backend other than the local one: its state is not in
     *                         the file, and reading none would have the whole group made again
     */
    TofuState readState() {
        checkLocalBackend();
        IOException last = null;
        for (int attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
            try {
                return TofuState.read(dir.resolve(STATE));
            } catch (PrivateFiles.FileTooLargeException e) {
                last = e; // reading it again will not make it smaller
                break;
            } catch (IOException e) {
                last = e;
                try {
                    Thread.sleep(100L << attempt);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        throw new PluginException("cannot read the state " + dir.resolve(STATE) + ": "
                + (last == null ? "interrupted" : last.getMessage()), last);
    }

    private void checkLocalBackend() {
        Path backend = dir.resolve(".terraform").resolve(STATE);
        if (!Files.exists(backend)) {
            return;
        }
        String type;
        try {
            type = Json.parse(PrivateFiles.readBounded(backend, PrivateFiles.MAX_RECORD_BYTES)).path("backend")
                    .path("type").asText("local");
        } catch (IOException | JsonFormatException e) {
            throw new PluginException("cannot read " + backend + ": " + e.getMessage(), e);
        }
        if (!type.equals("local")) {
            throw new PluginException("the terraform directory " + dir + " keeps its state in the '" + type
                    + "' backend; the terraform plugin reads the local terraform.tfstate only");
        }
    }

    private Object fingerprint() {
        try {
            BasicFileAttributes a = Files.readAttributes(dir.resolve(STATE), BasicFileAttributes.class);
            return List.of(a.lastModifiedTime(), a.size(), String.valueOf(a.fileKey()));
        } catch (NoSuchFileException e) {
            return "absent";
        } catch (IOException e) {
            return "unreadable " + e; // read (and fail clearly) next time
        }
    }

    /** The IDs of every instance file, sorted. */
    Set<String> instanceIds() {
        Set<String> ids = new TreeSet<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, InstanceFile.PREFIX + "*"
                + InstanceFile.SUFFIX)) {
            for (Path f : files) {
                String id = InstanceFile.idOf(f.getFileName().toString());
                if (id != null) {
                    ids.add(id);
                }
            }
        } catch (NoSuchFileException e) {
            // An error, not "no instances": a controller would otherwise create the whole group again.
            throw new PluginException("the terraform directory " + dir + " does not exist", e);
        } catch (IOException e) {
            throw new PluginException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        return ids;
    }

    boolean exists(String id) {
        return Files.exists(file(id));
    }

    /** An instance is live when its resource (the one named by its ID) is in the state and not tainted. */
    boolean live(TofuState state, String id) {
        return state.resources().values().stream().anyMatch(r -> r.name().equals(id) && r.live());
    }

    /** The instance's resource in the state, or null. */
    TofuState.Resource resource(TofuState state, String id) {
        return state.resources().values().stream().filter(r -> r.name().equals(id) && r.live()).findFirst()
                .orElse(null);
    }

    JsonNode read(String id) {
        try {
            return Json.parse(PrivateFiles.readBounded(file(id), PrivateFiles.MAX_RECORD_BYTES));
        } catch (NoSuchFileException e) {
            throw new PluginException("instance " + id + " not found in " + dir, e);
        } catch (IOException | JsonFormatException e) {
            throw new PluginException("cannot read " + file(id) + ": " + e.getMessage(), e);
        }
    }

    /** Every resource address in the instance's file; none when the file is unreadable. */
    List<String> addresses(String id) {
        try {
            return InstanceFile.addresses(read(id), id);
        } catch (PluginException e) {
            LOG.warn("{}", e.getMessage());
            return List.of();
        }
    }

    /**
     * Writes the file whole or not at all, mode 0600 (a hidden temporary file renamed over it: OpenTofu reads only
     * {@code .tf} and {@code .tf.json} files, the watcher ignores hidden ones).
     */
    void write(String id, JsonNode content) {
        try {
            PrivateFiles.writeRecord(file(id), (Json.mapper().writerWithDefaultPrettyPrinter()
                    .writeValueAsString(content) + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new PluginException("cannot write " + file(id) + ": " + e.getMessage(), e);
        }
    }

    void delete(String id) {
        try {
            Files.deleteIfExists(file(id));
        } catch (IOException e) {
            throw new PluginException("cannot delete " + file(id) + ": " + e.getMessage(), e);
        }
    }

    Path file(String id) {
        if (!id.startsWith(InstanceFile.PREFIX) || !id.matches("[A-Za-z0-9_-]+")) {
            throw new PluginException("not a terraform instance ID: " + id);
        }
        return dir.resolve(id + InstanceFile.SUFFIX);
    }
}
