package io.infrakit.plugins.rpc;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** The files of a plugin socket: its directory, the socket itself, a stale one left by a crash, the pid file. */
final class SocketFiles {

    /** Longest socket path the kernel takes (sun_path is 108 bytes with the terminating NUL). */
    static final int MAX_SOCKET_PATH = 107;

    private SocketFiles() {
    }

    /** Creates the directory (and missing parents) readable only by its owner; an existing one is left alone. */
    static void createPrivateDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir)) {
                throw e;
            }
        }
    }

    /** True when the path is a socket (or another special file), not a regular file, directory or link. */
    static boolean isSocket(Path path) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther();
        } catch (IOException e) {
            return false;
        }
    }

    /** True when something accepts connections on the socket now. */
    static boolean isLive(Path socket) {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(socket));
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Checks that a plugin may listen at {@code socket} and returns the path to bind first: a temporary name beside
     * it, so that the socket is never reachable under its real name with looser permissions than 0600 (see
     * {@link #publish}). A stale socket (nobody listening) will be replaced; a live one, or a file that is not a
     * socket, is an error.
     */
    static Path prepare(Path socket) throws IOException {
        if (socket.toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH) {
            throw new IOException("socket path " + socket + " is longer than " + MAX_SOCKET_PATH
                    + " bytes, the limit for Unix sockets");
        }
        createPrivateDirectory(socket.getParent());
        if (Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            if (!isSocket(socket)) {
                throw new FileAlreadyExistsException(socket.toString(), null, "exists and is not a socket");
            }
            if (isLive(socket)) {
                throw new IOException("another plugin is listening on " + socket);
            }
        }
        Path temp = socket.resolveSibling("." + Integer.toHexString(ThreadLocalRandom.current().nextInt() | 0x10000000));
        if (temp.toString().getBytes(StandardCharsets.UTF_8).length <= MAX_SOCKET_PATH) {
            return temp;
        }
        Files.deleteIfExists(socket); // checked stale above; no room for a temporary name
        return socket;
    }

    /** Restricts the socket bound at {@code bound} to its owner, then renames it to {@code socket}. */
    static void publish(Path bound, Path socket) throws IOException {
        Files.setPosixFilePermissions(bound, PosixFilePermissions.fromString("rw-------"));
        if (!bound.equals(socket)) {
            Files.move(bound, socket, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * The identity of the file at the path, or null when there is none: device, inode and modification time, since
     * a file created after another was deleted often gets the inode just freed.
     */
    static Object fileKey(Path path) {
        try {
            BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return List.of(String.valueOf(a.fileKey()), a.lastModifiedTime());
        } catch (IOException e) {
            return null;
        }
    }

    /** Deletes the file only if it is still the one with that identity (not a successor's). */
    static void deleteIfSame(Path path, Object key) {
        if (path == null || key == null) {
            return;
        }
        try {
            if (key.equals(fileKey(path))) {
                Files.delete(path);
            }
        } catch (NoSuchFileException e) {
            // already gone
        } catch (IOException e) {
            org.slf4j.LoggerFactory.getLogger(SocketFiles.class).warn("cannot remove {}: {}", path, e.toString());
        }
    }

    /** Writes the file atomically (a temporary file renamed into place). */
    static void writeAtomically(Path file, String content, String permissions) throws IOException {
        Path temp = file.resolveSibling("." + file.getFileName() + "." + Integer.toHexString(
                ThreadLocalRandom.current().nextInt()) + ".tmp");
        try {
            Files.writeString(temp, content, StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString(permissions));
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
