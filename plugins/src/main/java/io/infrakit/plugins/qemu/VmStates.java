package io.infrakit.plugins.qemu;

import io.infrakit.plugins.spi.PluginException;
import io.infrakit.plugins.state.PrivateFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The VMs' state files in the state directory: listed, read, written atomically (a reader sees the old file or the
 * new one), and forgotten when a VM is gone. Forgetting keeps the VM's console and QEMU logs for a post-mortem and
 * never touches a pet's disk, which lives elsewhere.
 */
final class VmStates {

    private static final Logger LOG = LoggerFactory.getLogger(VmStates.class);

    /** A VM directory with a readable state file. */
    record Found(VmFiles files, VmRecord record) {
    }

    private final Path dir;

    VmStates(Path dir) {
        this.dir = dir;
    }

    /**
     * @throws PluginException when the state directory cannot be listed (an error, never "no instances": a
     *                         controller would otherwise start the whole group again)
     */
    List<Found> list() {
        List<Found> found = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, QemuInstancePlugin.ID_PREFIX + "*")) {
            for (Path p : entries) {
                VmFiles files = new VmFiles(p);
                VmRecord r = read(files);
                if (r != null) {
                    found.add(new Found(files, r));
                }
            }
        } catch (NoSuchFileException e) {
            throw new PluginException("the qemu state directory " + dir + " does not exist", e);
        } catch (IOException e) {
            throw new PluginException("cannot list the qemu state directory " + dir + ": " + e, e);
        }
        return found;
    }

    /** The VM's state, or null when it has none (never made, or forgotten) or it cannot be read. */
    VmRecord read(VmFiles files) {
        byte[] content;
        try {
            content = Files.readAllBytes(files.record());
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            LOG.warn("cannot read state file {}: {}", files.record(), e.toString());
            return null;
        }
        try {
            return VmRecord.parse(content);
        } catch (IOException e) {
            LOG.warn("skipping state file {}: {}", files.record(), e.getMessage());
            return null;
        }
    }

    void write(VmFiles files, VmRecord record) {
        PrivateFiles.writeRecord(files.record(), record.toBytes());
    }

    /** The state file first (so the VM is gone for every reader), then all but the logs. */
    void forget(VmFiles files) {
        delete(files.record());
        for (Path p : List.of(files.pidFile(), files.consoleSocket(), files.qmpSocket(), files.watchSocket(),
                files.ownDisk())) {
            delete(p);
        }
        Path config = files.configDir();
        if (Files.isDirectory(config)) {
            try (Stream<Path> entries = Files.list(config)) {
                entries.forEach(VmStates::delete);
            } catch (IOException e) {
                LOG.warn("cannot empty {}: {}", config, e.toString());
            }
            delete(config);
        }
    }

    static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", file, e.toString());
        }
    }
}
