package io.infrakit.plugins.process;

import io.infrakit.plugins.group.Tags;
import io.infrakit.plugins.state.PrivateFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The logs of processes that are gone: those of the last {@link #KEEP} in each group stay, for a person to read
 * why they ended, and older ones are deleted, so a crash loop does not fill the disk. The state file of a gone
 * process becomes {@code <id>.dead} (it says whose group the log was), stamped with the time it went.
 */
final class DeadLogs {

    /** Logs of gone processes kept per group. */
    static final int KEEP = 5;

    private static final Logger LOG = LoggerFactory.getLogger(DeadLogs.class);
    private static final String DEAD = ".dead";

    private final Path dir;

    DeadLogs(Path dir) {
        this.dir = dir;
    }

    /** The process of {@code record} is gone: its state file becomes a dead record, and its group's oldest go. */
    void bury(Path stateFile, ProcessRecord record) {
        Path dead = dir.resolve(record.id() + DEAD);
        try {
            Files.move(stateFile, dead, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Files.setLastModifiedTime(dead, FileTime.from(Instant.now()));
        } catch (NoSuchFileException e) {
            return; // buried already
        } catch (IOException e) {
            LOG.warn("cannot keep the record of gone instance {}: {}", record.id(), e.toString());
            delete(stateFile);
            return;
        }
        prune(record.tags().getOrDefault(Tags.GROUP, ""));
    }

    /** Deletes the logs (and dead records) of the group's gone processes but the newest {@link #KEEP}. */
    void prune(String group) {
        List<Path> mine = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "*" + DEAD)) {
            for (Path p : entries) {
                ProcessRecord r = read(p);
                if (r != null && group.equals(r.tags().getOrDefault(Tags.GROUP, ""))) {
                    mine.add(p);
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot list the gone instances in {}: {}", dir, e.toString());
            return;
        }
        if (mine.size() <= KEEP) {
            return;
        }
        mine.sort(Comparator.comparing(DeadLogs::modified).reversed());
        for (Path old : mine.subList(KEEP, mine.size())) {
            String name = old.getFileName().toString();
            delete(dir.resolve(name.substring(0, name.length() - DEAD.length()) + ".log"));
            delete(old);
        }
    }

    private static ProcessRecord read(Path file) {
        try {
            return ProcessRecord.parse(PrivateFiles.readBounded(file, PrivateFiles.MAX_RECORD_BYTES));
        } catch (IOException e) {
            return null;
        }
    }

    private static FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", file, e.toString());
        }
    }
}
