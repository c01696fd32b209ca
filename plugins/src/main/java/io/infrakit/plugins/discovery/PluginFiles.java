package io.infrakit.plugins.discovery;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * Facts about the files of a plugin directory: who owns one, who else may write the directory (whoever can put a
 * socket there receives the operator's calls; root counts as trusted, as it can do anything anyway), and which file
 * a path is now.
 */
final class PluginFiles {

    /** This process's user: the owner of {@code /proc/self}, else by name. */
    private static final Owner SELF = self();

    private PluginFiles() {
    }

    /** Inode and modification time, or null when there is no file: a new socket may well get a freed inode. */
    static Object identity(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return List.of(String.valueOf(a.fileKey()), a.lastModifiedTime());
        } catch (IOException e) {
            return null;
        }
    }

    /** A file's owner: numeric where the platform says it (Linux), and by name. */
    record Owner(int uid, String name) {
        boolean sameAs(Owner other) {
            return uid >= 0 && other.uid >= 0 ? uid == other.uid : name.equals(other.name);
        }

        @Override
        public String toString() {
            return uid >= 0 ? "'" + name + "' (uid " + uid + ")" : "'" + name + "'";
        }
    }

    static Owner self() {
        Path proc = Path.of("/proc/self");
        if (Files.isDirectory(proc)) {
            try {
                return owner(proc, true);
            } catch (IOException | RuntimeException e) {
                // fall back to the name
            }
        }
        return new Owner(-1, System.getProperty("user.name"));
    }

    static Owner owner(Path path, boolean followLinks) throws IOException {
        LinkOption[] options = followLinks ? new LinkOption[0] : new LinkOption[] {LinkOption.NOFOLLOW_LINKS};
        String name = Files.getOwner(path, options).getName();
        int uid;
        try {
            uid = (Integer) Files.getAttribute(path, "unix:uid", options);
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            uid = -1;
        }
        return new Owner(uid, name);
    }

    /** Owned by this process's user or by root. */
    static boolean trusted(Owner owner) {
        return owner.sameAs(SELF) || owner.uid() == 0 || (owner.uid() < 0 && "root".equals(owner.name()));
    }

    static Owner current() {
        return SELF;
    }

    /**
     * Why others could put files in this directory, or null when only its owner (this user or root) can.
     */
    static String whyOthersCanWrite(Path dir) throws IOException {
        PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class);
        String mode = PosixFilePermissions.toString(a.permissions());
        if (a.permissions().contains(PosixFilePermission.OTHERS_WRITE)) {
            return "is writable by every user (mode " + mode + ")";
        }
        if (a.permissions().contains(PosixFilePermission.GROUP_WRITE)) {
            return "is writable by group '" + a.group().getName() + "' (mode " + mode + ")";
        }
        Owner owner = owner(dir, true);
        if (!trusted(owner)) {
            return "belongs to user " + owner + ", not to " + SELF;
        }
        return null;
    }
}
