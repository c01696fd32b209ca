package io.infrakit.plugins.file;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.plugins.state.InfraKitHome;
import io.infrakit.plugins.json.ObjectFields;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.fence.FencedInstancePlugin;
import io.infrakit.plugins.fence.TermFence;
import io.infrakit.plugins.spi.InstancePlugin;
import io.infrakit.plugins.spi.InstanceSpec;
import io.infrakit.plugins.spi.PluginException;
import io.infrakit.plugins.spi.TagMatch;
import io.infrakit.plugins.state.PrivateFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * InfraKit's file instance plugin ({@code instance-file}): an instance is a JSON file in a directory, named by its
 * ID, holding what InfraKit's plugin writes, so either can read the other's files. Deleting a file by hand
 * "kills" the instance; editing its tags by hand changes them: every listing re-reads the directory.
 *
 * <p>Differences from InfraKit, on purpose: files are written atomically (a temporary hidden file, then a rename),
 * so a reader never sees half an instance and a provisioned instance is listed as soon as {@link #provision}
 * returns; the file name is the instance ID (InfraKit trusted the ID inside; they agree for every file it wrote);
 * hidden files are ignored; an undecodable file, or one too large to be a record, is logged once, not on every
 * listing, and never read whole; a tag filter value must be present to match. Files are 0600 and a directory the
 * plugin creates 0700, since records carry init scripts; temporary files left by a writer killed mid-write are
 * removed once they are a minute old. {@link #onChange} watches the directory, so a deleted file is noticed within
 * milliseconds.
 */
public final class FileInstancePlugin implements InstancePlugin {

    private static final Logger LOG = LoggerFactory.getLogger(FileInstancePlugin.class);

    /** The largest file read as an instance record; larger ones are skipped unread. */
    public static final int MAX_RECORD_BYTES = PrivateFiles.MAX_RECORD_BYTES;

    /** A temporary file this old belongs to no write still running: its writer was killed. */
    private static final Duration LEFTOVER_AGE = Duration.ofMinutes(1);

    /** A record is reused unread only when its file was last modified longer ago than this. */
    private static final long RACY_MILLIS = 1_000;

    /** How long an event caused by this plugin's own write is recognised as such. */
    private static final long OWN_CHANGE_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final Path dir;
    /** Serialises read-modify-write (label) against destroy within this process. */
    private final Object mutation = new Object();
    /** File name to the (modified time, size) it had when it was reported undecodable. */
    private final Map<String, String> warned = new ConcurrentHashMap<>();
    /**
     * File name to the record last read from it and the file's identity then (inode, modified time, size): a
     * listing reads the attributes of every file but parses only those that changed, so a resync of a quiet
     * directory costs neither JSON parsing nor garbage. A write, ours or by hand, in place or by a rename, changes
     * the modified time or the inode (or both); see {@link #RACY_MILLIS} for writes in the same clock tick.
     */
    private final Map<String, Parsed> parsed = new ConcurrentHashMap<>();
    /** "kind:name" of this plugin's own recent changes to their expiry (System.nanoTime()). */
    private final Map<String, Long> ownChanges = new ConcurrentHashMap<>();

    /**
     * @param dir the instance directory; created when missing
     * @throws PluginException when the directory cannot be created
     */
    public FileInstancePlugin(Path dir) {
        this.dir = Objects.requireNonNull(dir, "dir").toAbsolutePath();
        try {
            PrivateFiles.createDirectories(this.dir);
        } catch (IOException e) {
            throw new PluginException("cannot create the instance directory " + this.dir + ": " + e, e);
        }
        removeLeftovers();
    }

    /** {@code instances/file} in InfraKit's home ({@link InfraKitHome}). */
    public static Path defaultDirectory() {
        return InfraKitHome.dir().resolve("instances").resolve("file");
    }

    public Path directory() {
        return dir;
    }

    /** Accepts any JSON object (or nothing), as InfraKit's plugin does. */
    @Override
    public void validate(JsonNode properties) {
        ObjectFields.requireObjectOrAbsent(properties, "Properties", PluginException::new);
    }

    @Override
    public String provision(InstanceSpec spec) {
        Objects.requireNonNull(spec, "spec");
        for (int attempt = 0; attempt < 10; attempt++) {
            String id = "instance-" + ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
            Path file = dir.resolve(id);
            if (Files.exists(file)) {
                continue; // a 1 in 2^63 collision
            }
            markOwn(ENTRY_CREATE, id);
            PrivateFiles.writeRecord(file, FileInstanceRecord.provisioned(id, spec).toBytes());
            return id;
        }
        throw new PluginException("cannot find a free instance ID in " + dir);
    }

    @Override
    public void label(String instanceId, Map<String, String> labels) {
        Path file = instanceFile(instanceId);
        synchronized (mutation) {
            byte[] content;
            try {
                content = PrivateFiles.readBounded(file, MAX_RECORD_BYTES);
            } catch (NoSuchFileException e) {
                throw notFound(instanceId);
            } catch (IOException e) {
                throw new PluginException("cannot read instance " + instanceId + ": " + e, e);
            }
            FileInstanceRecord record;
            try {
                record = FileInstanceRecord.parse(instanceId, content);
            } catch (IllegalArgumentException e) {
                throw new PluginException("cannot decode instance " + instanceId + ": " + e.getMessage(), e);
            }
            Map<String, String> tags = new LinkedHashMap<>(record.tags() == null ? Map.of() : record.tags());
            tags.putAll(labels);
            markOwn(ENTRY_CREATE, instanceId);
            PrivateFiles.writeRecord(file, record.withTags(tags).toBytes());
        }
    }

    @Override
    public void destroy(String instanceId, String reason) {
        Path file = instanceFile(instanceId);
        synchronized (mutation) {
            markOwn(ENTRY_DELETE, instanceId);
            try {
                if (!Files.isRegularFile(file)) {
                    throw notFound(instanceId);
                }
                Files.delete(file);
            } catch (NoSuchFileException e) {
                throw notFound(instanceId);
            } catch (IOException e) {
                throw new PluginException("cannot destroy instance " + instanceId + ": " + e, e);
            }
        }
    }


    /** Calls of a leader's term, fenced by the newest term kept in this plugin's directory ({@link TermFence}). */
    @Override
    public InstancePlugin fenced(long term) {
        return new FencedInstancePlugin(this, TermFence.inDirectory(dir), term);
    }
    @Override
    public List<InstanceDescription> describeInstances(Map<String, String> tags, boolean properties) {
        List<InstanceDescription> found = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        boolean temporaries = false;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path path : entries) {
                String name = path.getFileName().toString();
                if (name.startsWith(".")) {
                    temporaries |= PrivateFiles.isTemporary(name);
                    continue; // our temporary files, and whatever else is hidden
                }
                seen.add(name);
                FileInstanceRecord record = read(path, name);
                if (record != null && TagMatch.matches(record.tags(), tags)) {
                    found.add(record.describe(properties));
                }
            }
        } catch (NoSuchFileException e) {
            // An error, not "no instances": a controller would otherwise provision a whole group again.
            throw new PluginException("the instance directory " + dir + " does not exist", e);
        } catch (IOException e) {
            throw new PluginException("cannot list the instance directory " + dir + ": " + e, e);
        }
        warned.keySet().retainAll(seen);
        parsed.keySet().retainAll(seen);
        if (temporaries) {
            removeLeftovers();
        }
        found.sort(Comparator.comparing(InstanceDescription::id));
        return found;
    }

    private void removeLeftovers() {
        try {
            int removed = PrivateFiles.removeLeftoverTemporaries(dir, LEFTOVER_AGE);
            if (removed > 0) {
                LOG.info("removed {} temporary file(s) left in {} by an interrupted write", removed, dir);
            }
        } catch (IOException e) {
            LOG.debug("cannot clean temporary files in {}", dir, e);
        }
    }

    /**
     * The file's instance, or null when it is gone, not a regular file, too large to be a record, or undecodable
     * (logged once).
     */
    private FileInstanceRecord read(Path path, String name) {
        BasicFileAttributes attributes;
        byte[] content;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class);
            if (!attributes.isRegularFile()) {
                return null;
            }
            if (attributes.size() > MAX_RECORD_BYTES) {
                warnOnce(name, version(attributes), "skipping {}: {}", path, attributes.size()
                        + " bytes is not an instance record (those are at most " + MAX_RECORD_BYTES + " bytes)");
                return null;
            }
            Parsed known = parsed.get(name);
            if (known != null && known.sameFile(attributes)) {
                return known.record();
            }
            content = PrivateFiles.readBounded(path, MAX_RECORD_BYTES);
        } catch (NoSuchFileException e) {
            return null; // destroyed while we listed
        } catch (PrivateFiles.FileTooLargeException e) {
            warnOnce(name, "grown", "skipping {}: {}", path, e.getMessage() + ", more than any instance record");
            return null;
        } catch (IOException e) {
            warnOnce(name, "-", "cannot read instance file {}: {}", path, e.toString());
            return null;
        }
        try {
            FileInstanceRecord record = FileInstanceRecord.parse(name, content);
            warned.remove(name);
            // A file modified within the file system's clock tick of now could change again without its modified
            // time moving: such a record is read again next time, as git treats a "racily clean" file.
            if (attributes.lastModifiedTime().toMillis() < System.currentTimeMillis() - RACY_MILLIS) {
                parsed.put(name, new Parsed(attributes.fileKey(), attributes.lastModifiedTime(), attributes.size(),
                        record));
            }
            return record;
        } catch (IllegalArgumentException e) {
            warnOnce(name, version(attributes), "skipping instance file {}: {}", path, e.getMessage());
            return null;
        }
    }

    /** A parsed record and the attributes its file had when it was read (taken before reading it). */
    private record Parsed(Object fileKey, FileTime modified, long size, FileInstanceRecord record) {
        boolean sameFile(BasicFileAttributes a) {
            return fileKey != null && fileKey.equals(a.fileKey()) && modified.equals(a.lastModifiedTime())
                    && size == a.size();
        }
    }

    private static String version(BasicFileAttributes attributes) {
        return attributes.lastModifiedTime() + "/" + attributes.size();
    }

    private void warnOnce(String name, String version, String format, Object path, String problem) {
        if (!version.equals(warned.put(name, version))) {
            LOG.warn(format, path, problem);
        }
    }

    /** Watches the directory; the listener runs (debounced) when files change other than by this plugin. */
    @Override
    public AutoCloseable onChange(Runnable listener) {
        Objects.requireNonNull(listener, "listener");
        try {
            return new DirectoryWatcher(dir, listener, this::isOwnChange);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.warn("cannot watch {} ({}); changes made by hand are seen at the next resync", dir, e.toString());
            return () -> { };
        }
    }

    private void markOwn(WatchEvent.Kind<?> kind, String name) {
        long now = System.nanoTime();
        if (ownChanges.size() > 1024) {
            ownChanges.values().removeIf(expiry -> expiry - now < 0);
        }
        ownChanges.put(kind.name() + ":" + name, now + OWN_CHANGE_NANOS);
    }

    private boolean isOwnChange(WatchEvent.Kind<?> kind, String name) {
        Long expiry = ownChanges.get(kind.name() + ":" + name);
        return expiry != null && expiry - System.nanoTime() > 0;
    }

    /** The file of an instance; IDs that are not plain file names name no instance. */
    private Path instanceFile(String instanceId) {
        if (instanceId == null || instanceId.isEmpty() || instanceId.startsWith(".") || instanceId.indexOf('/') >= 0
                || instanceId.indexOf('\\') >= 0 || instanceId.indexOf('\0') >= 0) {
            throw notFound(instanceId);
        }
        return dir.resolve(instanceId);
    }

    private static PluginException notFound(String instanceId) {
        return new PluginException("instance not found: " + instanceId);
    }

    @Override
    public String toString() {
        return "FileInstancePlugin[" + dir + "]";
    }
}
