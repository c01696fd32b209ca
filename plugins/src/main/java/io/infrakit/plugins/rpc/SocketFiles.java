package io.infrakit.plugins.rpc;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
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
     * Binds a Unix socket at {@code socket} with mode 0600. It is bound under a temporary name, restricted, then
     * renamed into place, so it is never reachable with looser permissions. A stale socket (nobody listening) is
     * replaced; a live one or a file that is not a socket is an error.
     */
    static ServerSocketChannel bind(Path socket) throws IOException {
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
        boolean viaTemp = temp.toString().getBytes(StandardCharsets.UTF_8).length <= MAX_SOCKET_PATH;
        Path bindPath = viaTemp ? temp : socket;
        if (!viaTemp) {
            Files.deleteIfExists(socket); // checked stale above
        }
        ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.bind(UnixDomainSocketAddress.of(bindPath));
            Files.setPosixFilePermissions(bindPath, PosixFilePermissions.fromString("rw-------"));
            if (viaTemp) {
                Files.move(temp, socket, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            return channel;
        } catch (IOException | RuntimeException e) {
            channel.close();
            Files.deleteIfExists(bindPath);
            throw e;
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
