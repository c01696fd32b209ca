package io.infrakit.plugins.file;

import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.spi.PluginException;
import io.infrakit.plugins.spi.TagMatch;
import io.infrakit.plugins.state.PrivateFiles;
import java.io.IOException;
import java.lang.ref.Cleaner;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The instance directory's records, kept in an {@link InstanceIndex} so that a listing for one group costs in
 * proportion to that group, not to the directory. The index is built ahead of the first listing, from a daemon
 * thread started by {@link #start()} (a listing that comes first waits for it, or builds it), and kept true by this
 * plugin's own writes ({@link #written}, {@link #removed}) and by the directory's change events
 * ({@link DirectoryEvents}, read at the start of every listing: a file added, edited, renamed or deleted by hand or
 * by another process before the listing began is seen by it, and nothing else is looked at: a listing of an
 * unchanged directory makes no file system call but reading the (empty) event queue. The one change that raises no
 * event is a write through a memory mapping; no editor or tool writes instance files so.
 *
 * <p>Where the kernel cannot report changes (not Linux, no inotify instance left, a network file system whose other
 * clients' writes it does not see), every listing reads the whole directory, reusing the records of files that did
 * not change. Not thread-safe on its own: the listing and the updates are synchronized here.
 */
final class IndexedDirectory implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(IndexedDirectory.class);

    /** File systems where a change made by another host raises no event here. */
    private static final Set<String> REMOTE = Set.of("nfs", "nfs4", "cifs", "smb3", "smbfs", "9p", "afs", "ceph",
            "glusterfs", "lustre", "gpfs", "fuse.sshfs", "virtiofs");

    private final Path dir;
    private final InstanceFileReader reader;
    private final Consumer<String> temporarySeen;
    private final Consumer<String> fileRead;
    private final boolean watchable;
    private static final Cleaner CLEANER = Cleaner.create();

    private final InstanceIndex index = new InstanceIndex();
    private DirectoryEvents events;
    /** Closes {@link #events}, also when this is dropped without {@link #close()} (its kernel instance is scarce). */
    private Cleaner.Cleanable closeEvents = () -> { };
    private boolean built;
    /** Set while a build has the directory watched and reads it: a write meanwhile is in its events. */
    private volatile boolean building;
    private volatile boolean closed;
    /** Whether the directory's events could not be had, and this was said: it is said once. */
    private boolean unwatchedSaid;
    private volatile Thread builder;

    /**
     * @param temporarySeen told the name of each hidden temporary file that appears, so leftovers can be removed
     * @param fileRead told the name of each file that reading the directory whole has looked at (tests hold a build
     *     there)
     */
    IndexedDirectory(Path dir, InstanceFileReader reader, Consumer<String> temporarySeen, Consumer<String> fileRead) {
        this.dir = dir;
        this.reader = reader;
        this.temporarySeen = temporarySeen;
        this.fileRead = fileRead;
        this.watchable = !remote(dir);
    }

    /** The name of the thread that builds the index of {@code dir}. */
    static String builderName(Path dir) {
        return "index " + dir;
    }

    /**
     * Builds the index from a daemon thread, so that the first listing finds it ready rather than paying for the
     * directory's reading and the loading of the native calls behind its events. A build that fails is logged, and
     * the first listing tries again, as it would without this.
     */
    synchronized void start() {
        if (builder != null || closed) {
            return;
        }
        builder = new Thread(this::buildAhead, builderName(dir));
        builder.setDaemon(true);
        builder.start();
    }

    private void buildAhead() {
        try {
            synchronized (this) {
                if (!built && !closed) {
                    build();
                }
            }
        } catch (RuntimeException e) {
            if (!closed) {
                LOG.warn("cannot index {} ahead of its first listing ({}); the listing tries again", dir,
                        e.getMessage());
            }
        }
    }

    /** The records matching the filter, as the directory holds them now. */
    synchronized List<InstanceDescription> matching(Map<String, String> filter) {
        if (!Files.isDirectory(dir)) {
            // An error, not "no instances": a controller would otherwise provision a whole group again.
            throw new PluginException("the instance directory " + dir + " does not exist");
        }
        catchUp();
        List<InstanceDescription> found = new ArrayList<>();
        for (IndexedFile file : index.candidates(filter)) {
            if (file.listed() != null && TagMatch.matches(file.tags(), filter)) {
                found.add(file.listed());
            }
        }
        return found;
    }

    /** This plugin wrote the file (created or replaced it): its record is listed from now on. */
    void written(String name, FileInstanceRecord record) {
        if (building) {
            return; // the file was there before the build read the directory, or its events have it
        }
        synchronized (this) {
            if (built) {
                put(name, record);
            } // else the first listing reads it
        }
    }

    private void put(String name, FileInstanceRecord record) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(dir.resolve(name), BasicFileAttributes.class);
            index.put(IndexedFile.of(name, reader.listed(record), attributes));
        } catch (IOException e) {
            index.remove(name); // gone already, or unreadable: the next listing looks at it again
        }
    }

    /** This plugin deleted the file. */
    void removed(String name) {
        reader.forget(name);
        if (building) {
            return; // gone before the build read the directory, or its events have it
        }
        synchronized (this) {
            index.remove(name);
        }
    }

    /** How many files the index holds (a test's and a benchmark's view). */
    synchronized int indexed() {
        return index.size();
    }

    /** Brings the index up to date with the directory: by its events, else by reading it whole. */
    private void catchUp() {
        if (closed) {
            throw closedError();
        }
        if (!built || events == null || events.broken()) {
            build();
            return;
        }
        DirectoryEvents.Changes changes = events.poll();
        if (changes.lost()) {
            scan();
            return;
        }
        for (String name : changes.names()) {
            if (name.startsWith(".")) {
                if (PrivateFiles.isTemporary(name)) {
                    temporarySeen.accept(name);
                }
                continue;
            }
            update(name, reader.read(dir.resolve(name), name, null));
        }
    }

    /**
     * Watches the directory, then reads it whole: a change made while (or just before) it is read is in the events
     * the next listing reads. A build that fails leaves no watch open: the next listing builds again.
     */
    private void build() {
        building = true;
        try {
            built = false;
            closeEvents.clean();
            events = watch();
            if (events != null) {
                closeEvents = CLEANER.register(this, events::close);
            }
            scan();
            built = true;
        } catch (RuntimeException e) {
            closeEvents.clean();
            events = null;
            throw e;
        } finally {
            building = false;
        }
    }

    /** The directory's events, or null where they cannot be had (every listing then reads it whole). */
    private DirectoryEvents watch() {
        if (!watchable) {
            return null;
        }
        try {
            DirectoryEvents opened = DirectoryEvents.open(dir);
            unwatchedSaid = false;
            return opened;
        } catch (IOException | LinkageError e) {
            if (!unwatchedSaid) {
                LOG.warn("cannot watch {} ({}); every listing reads the whole directory", dir, e.toString());
                unwatchedSaid = true;
            }
            return null;
        }
    }

    /** Reads the whole directory, reusing records of unchanged files. */
    private void scan() {
        Set<String> seen = new HashSet<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path path : entries) {
                String name = path.getFileName().toString();
                if (name.startsWith(".")) {
                    if (PrivateFiles.isTemporary(name)) {
                        temporarySeen.accept(name);
                    }
                    continue; // our temporary files, and whatever else is hidden
                }
                if (closed) {
                    throw closedError();
                }
                seen.add(name);
                update(name, reader.read(path, name, index.get(name)));
                fileRead.accept(name);
            }
        } catch (NoSuchFileException e) {
            throw new PluginException("the instance directory " + dir + " does not exist", e);
        } catch (IOException e) {
            throw new PluginException("cannot list the instance directory " + dir + ": " + e, e);
        }
        for (String name : List.copyOf(index.names())) {
            if (!seen.contains(name)) {
                forget(name);
            }
        }
    }

    private void update(String name, IndexedFile now) {
        if (now == null) {
            forget(name);
        } else {
            index.put(now);
        }
    }

    /** Whether the directory is on a file system whose changes by other hosts raise no events here. */
    private static boolean remote(Path dir) {
        try {
            return REMOTE.contains(Files.getFileStore(dir).type());
        } catch (IOException e) {
            return true;
        }
    }

    private void forget(String name) {
        index.remove(name);
        reader.forget(name);
    }

    private PluginException closedError() {
        return new PluginException("the file instance plugin on " + dir + " is closed");
    }

    /** Stops a build under way at its next file and waits for its thread to end; listings after this fail. */
    @Override
    public void close() {
        closed = true;
        Thread b = builder;
        if (b != null && b != Thread.currentThread()) {
            try {
                b.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            closeEvents.clean();
        }
    }
}
