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
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * InfraKit's file instance plugin ({@code instance-file}): an instance is a JSON file in a directory, named by its
 * ID, holding what InfraKit's plugin writes, so either can read the other's files. Deleting a file by hand
 * "kills" the instance; editing its tags by hand changes them: every listing sees the directory as it is when the
 * listing starts. It does so without reading the whole directory each time: the records are indexed by the tags
 * listings ask for, and the index follows the directory's change events ({@link IndexedDirectory}), so listing one
 * group costs in proportion to that group. The index is built by a thread started with the plugin, so the first
 * listing finds it ready (or waits for the rest of its build).
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
public final class FileInstancePlugin implements InstancePlugin, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FileInstancePlugin.class);

    /** The largest file read as an instance record; larger ones are skipped unread. */
    public static final int MAX_RECORD_BYTES = PrivateFiles.MAX_RECORD_BYTES;

    /** A temporary file this old belongs to no write still running: its writer was killed. */
    private static final Duration LEFTOVER_AGE = Duration.ofMinutes(1);

    /** How long an event caused by this plugin's own write is recognised as such. */
    private static final long OWN_CHANGE_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final Path dir;
    /** Serialises read-modify-write (label) against destroy within this process. */
    private final Object mutation = new Object();
    private final InstanceFileReader reader;
    private final IndexedDirectory indexed;
    /** Hidden temporary files seen appearing: removed once old enough to be a killed write's leftover. */
    private final Set<String> temporaries = ConcurrentHashMap.newKeySet();
    /** "kind:name" of this plugin's own recent changes to their expiry (System.nanoTime()). */
    private final Map<String, Long> ownChanges = new ConcurrentHashMap<>();

    /**
     * @param dir the instance directory; created when missing
     * @throws PluginException when the directory cannot be created
     */
    public FileInstancePlugin(Path dir) {
        this(dir, name -> { });
    }

    /** @param fileRead told each file that reading the directory whole looks at (tests hold the index's build) */
    FileInstancePlugin(Path dir, Consumer<String> fileRead) {
        this.dir = Objects.requireNonNull(dir, "dir").toAbsolutePath();
        try {
            PrivateFiles.createDirectories(this.dir);
        } catch (IOException e) {
            throw new PluginException("cannot create the instance directory " + this.dir + ": " + e, e);
        }
        removeLeftovers();
        this.reader = new InstanceFileReader(MAX_RECORD_BYTES);
        this.indexed = new IndexedDirectory(this.dir, reader, temporaries::add, fileRead);
        indexed.start();
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
            FileInstanceRecord record = FileInstanceRecord.provisioned(id, spec);
            PrivateFiles.writeRecord(file, record.toBytes());
            indexed.written(id, record);
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
            FileInstanceRecord labelled = record.withTags(tags);
            PrivateFiles.writeRecord(file, labelled.toBytes());
            indexed.written(instanceId, labelled);
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
                indexed.removed(instanceId);
                throw notFound(instanceId);
            } catch (IOException e) {
                throw new PluginException("cannot destroy instance " + instanceId + ": " + e, e);
            }
            indexed.removed(instanceId);
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
        for (InstanceDescription listed : indexed.matching(tags)) {
            if (!properties) {
                found.add(listed);
                continue;
            }
            // The index keeps no specs: their properties are read from the files, which hold them.
            FileInstanceRecord record = reader.record(dir.resolve(listed.id()), listed.id());
            if (record != null && TagMatch.matches(record.tags(), tags)) {
                found.add(record.describe(true));
            }
        }
        if (!temporaries.isEmpty()) {
            removeOldTemporaries();
        }
        found.sort(Comparator.comparing(InstanceDescription::id));
        return found;
    }

    /** Stops the index's build if it is under way, closes the directory's change events; listings after this fail. */
    @Override
    public void close() {
        indexed.close();
    }

    /** How many files of the directory the index holds (for tests and benchmarks). */
    int indexedFiles() {
        return indexed.indexed();
    }

    /** How many files listings have looked at so far, each a {@code stat} at least (for tests and benchmarks). */
    long filesLooked() {
        return reader.looked();
    }

    /** Drops the temporary files seen that are gone (renamed into place) and removes those a killed write left. */
    private void removeOldTemporaries() {
        long before = System.currentTimeMillis() - LEFTOVER_AGE.toMillis();
        for (String name : temporaries) {
            try {
                BasicFileAttributes a = Files.readAttributes(dir.resolve(name), BasicFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS);
                if (!a.isRegularFile() || a.lastModifiedTime().toMillis() >= before) {
                    continue; // a write still under way, or too young to tell: looked at again next time
                }
                Files.deleteIfExists(dir.resolve(name));
                LOG.info("removed {}, a temporary file left in {} by an interrupted write", name, dir);
            } catch (NoSuchFileException e) {
                // renamed into place, or removed
            } catch (IOException e) {
                LOG.debug("cannot clean temporary file {} in {}", name, dir, e);
            }
            temporaries.remove(name);
        }
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
