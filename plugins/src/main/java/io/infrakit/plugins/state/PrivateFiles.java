package io.infrakit.plugins.state;

import io.infrakit.plugins.spi.PluginException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Files only their owner may read: directories 0700 and files 0600, set explicitly so that neither the umask nor
 * the mode of an existing directory decides. Instance records hold init scripts, and init scripts hold secrets.
 */
public final class PrivateFiles {

    public static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    /**
     * The largest state record the built-in plugins read: a record is a spec (at most 1 MiB) with the flavor's init
     * script, so anything much larger is something else, and is skipped without being read.
     */
    public static final int MAX_RECORD_BYTES = 8 << 20;

    /** {@code .<name>.<hex>.tmp}: what {@link #writeAtomically} writes before the rename. */
    private static final Pattern TEMPORARY = Pattern.compile("\\..+\\.[0-9a-f]+\\.tmp");

    private PrivateFiles() {
    }

    /**
     * Creates the directory and its missing parents, each 0700; existing ones are left as they are.
     *
     * @return the directory
     */
    public static Path createDirectories(Path dir) throws IOException {
        Deque<Path> missing = new ArrayDeque<>();
        for (Path p = dir.toAbsolutePath(); p != null && !Files.isDirectory(p); p = p.getParent()) {
            missing.push(p);
        }
        for (Path p : missing) {
            try {
                Files.createDirectory(p, attribute(DIRECTORY));
                Files.setPosixFilePermissions(p, DIRECTORY);
            } catch (FileAlreadyExistsException e) {
                if (!Files.isDirectory(p)) {
                    throw e;
                }
            }
        }
        return dir;
    }

    /** Makes the directory 0700, creating it (and missing parents, 0700) when needed. */
    public static Path privateDirectory(Path dir) throws IOException {
        createDirectories(dir);
        Files.setPosixFilePermissions(dir, DIRECTORY);
        return dir;
    }

    /** Creates an empty 0600 file, or makes an existing one 0600: for logs that a child process appends to. */
    public static void createFile(Path file) throws IOException {
        try {
            Files.createFile(file, attribute(FILE));
        } catch (FileAlreadyExistsException e) {
            // keep its content
        }
        Files.setPosixFilePermissions(file, FILE);
    }

    /**
     * Writes a hidden 0600 temporary file beside the target, flushes it to disk, then renames it over the target:
     * readers see the old content or the new, never a part, and never a moment with a looser mode.
     */
    public static void writeAtomically(Path target, byte[] content) throws IOException {
        Path temp = target.resolveSibling("." + target.getFileName() + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE), attribute(FILE))) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * {@link #writeAtomically} for an instance plugin's state record.
     *
     * @throws PluginException when the file cannot be written
     */
    public static void writeRecord(Path target, byte[] content) {
        try {
            writeAtomically(target, content);
        } catch (IOException e) {
            throw new PluginException("cannot write " + target + ": " + e, e);
        }
    }

    /** Whether a file name is one of {@link #writeAtomically}'s temporary files. */
    public static boolean isTemporary(String name) {
        return TEMPORARY.matcher(name).matches();
    }

    /**
     * Deletes temporary files that a process killed in the middle of {@link #writeAtomically} left behind: those
     * older than {@code age}, which no write still running can own.
     *
     * @return how many were deleted
     */
    public static int removeLeftoverTemporaries(Path dir, Duration age) throws IOException {
        FileTime before = FileTime.from(Instant.now().minus(age));
        int removed = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir,
                p -> isTemporary(p.getFileName().toString()))) {
            for (Path p : entries) {
                try {
                    BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class,
                            LinkOption.NOFOLLOW_LINKS);
                    if (a.isRegularFile() && a.lastModifiedTime().compareTo(before) < 0 && Files.deleteIfExists(p)) {
                        removed++;
                    }
                } catch (NoSuchFileException e) {
                    // gone meanwhile
                }
            }
        }
        return removed;
    }

    /**
     * Reads a file of at most {@code maxBytes} without ever holding more: a file that is larger (or grows while read)
     * is refused, however large it is.
     *
     * @throws FileTooLargeException when the file has more than {@code maxBytes}
     */
    public static byte[] readBounded(Path file, int maxBytes) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] content = in.readNBytes(maxBytes + 1);
            if (content.length > maxBytes) {
                throw new FileTooLargeException(file + " is larger than " + maxBytes + " bytes");
            }
            return content;
        }
    }

    /** A file larger than a reader's bound. */
    public static final class FileTooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        FileTooLargeException(String message) {
            super(message);
        }
    }

    private static FileAttribute<Set<PosixFilePermission>> attribute(Set<PosixFilePermission> permissions) {
        return PosixFilePermissions.asFileAttribute(permissions);
    }
}
