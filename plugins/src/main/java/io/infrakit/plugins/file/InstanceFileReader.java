package io.infrakit.plugins.file;

import com.google.common.collect.Interner;
import com.google.common.collect.Interners;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.state.PrivateFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads instance files: an unchanged file's record is reused unread, and an undecodable file, or one too large to
 * be a record, is logged once per version of the file, not on every reading, and never read whole. The instances
 * of a group carry the same tags: one map of them is kept, not one per instance.
 */
final class InstanceFileReader {

    private static final Logger LOG = LoggerFactory.getLogger(FileInstancePlugin.class);

    private final int maxBytes;
    /** File name to the (modified time, size) it had when it was reported undecodable. */
    private final Map<String, String> warned = new ConcurrentHashMap<>();
    /** Files looked at (each a {@code stat}, and a read when changed): what a listing costs. */
    private final LongAdder looked = new LongAdder();
    private final Interner<Map<String, String>> tagMaps = Interners.newWeakInterner();

    InstanceFileReader(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    /**
     * The file as it is now: {@code known} when the file did not change since, else read again (a file that is no
     * record gives an entry without one); null when the file is gone.
     */
    IndexedFile read(Path path, String name, IndexedFile known) {
        BasicFileAttributes attributes;
        byte[] content;
        looked.increment();
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class);
            if (known != null && known.current(attributes)) {
                return known;
            }
            if (!attributes.isRegularFile()) {
                return IndexedFile.of(name, null, attributes);
            }
            if (attributes.size() > maxBytes) {
                warnOnce(name, version(attributes), "skipping {}: {}", path, attributes.size()
                        + " bytes is not an instance record (those are at most " + maxBytes + " bytes)");
                return IndexedFile.of(name, null, attributes);
            }
            content = PrivateFiles.readBounded(path, maxBytes);
        } catch (NoSuchFileException e) {
            forget(name);
            return null;
        } catch (PrivateFiles.FileTooLargeException e) {
            warnOnce(name, "grown", "skipping {}: {}", path, e.getMessage() + ", more than any instance record");
            return unreadable(name);
        } catch (IOException e) {
            warnOnce(name, "-", "cannot read instance file {}: {}", path, e.toString());
            return unreadable(name);
        }
        try {
            FileInstanceRecord record = FileInstanceRecord.parse(name, content);
            warned.remove(name);
            return IndexedFile.of(name, listed(record), attributes);
        } catch (IllegalArgumentException e) {
            warnOnce(name, version(attributes), "skipping instance file {}: {}", path, e.getMessage());
            return IndexedFile.of(name, null, attributes);
        }
    }

    /** What a listing without properties returns for the record, its tags shared with equal ones. */
    InstanceDescription listed(FileInstanceRecord record) {
        InstanceDescription d = record.describe(false);
        return d.tags() == null ? d : new InstanceDescription(d.id(), d.logicalId(), tagMaps.intern(d.tags()), null);
    }

    /** The whole record of a file (for a listing with properties); null when it is gone or no longer a record. */
    FileInstanceRecord record(Path path, String name) {
        looked.increment();
        try {
            return FileInstanceRecord.parse(name, PrivateFiles.readBounded(path, maxBytes));
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }

    long looked() {
        return looked.sum();
    }

    /** The file is gone: a file of that name made later is a new one. */
    void forget(String name) {
        warned.remove(name);
    }

    /** A file that could not be read: no identity, so it is tried again each time it is looked at. */
    private static IndexedFile unreadable(String name) {
        return new IndexedFile(name, null, null, 0, -1, true);
    }

    private static String version(BasicFileAttributes attributes) {
        return attributes.lastModifiedTime() + "/" + attributes.size();
    }

    private void warnOnce(String name, String version, String format, Object path, String problem) {
        if (!version.equals(warned.put(name, version))) {
            LOG.warn(format, path, problem);
        }
    }
}
