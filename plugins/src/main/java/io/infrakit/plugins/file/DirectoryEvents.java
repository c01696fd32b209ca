package io.infrakit.plugins.file;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The names of a directory's entries changed since the last {@link #poll()}, read from a Linux inotify instance
 * without blocking. The kernel queues an event before the call that caused it returns, so a poll sees every change
 * made (by any process on this host) before it started: unlike {@link java.nio.file.WatchService}, whose events
 * reach Java later from a thread, it can stand in for listing the directory. When the kernel dropped events, or the
 * directory was removed or moved, the poll says so ({@link Changes#lost()}) and the owner must list it again; a
 * lost watch is not renewed ({@link #broken()}): open a new instance.
 */
final class DirectoryEvents implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DirectoryEvents.class);

    private static final int IN_NONBLOCK = 0x800;
    private static final int IN_CLOEXEC = 0x80000;
    private static final int IN_MODIFY = 0x2;
    private static final int IN_ATTRIB = 0x4;
    private static final int IN_CLOSE_WRITE = 0x8;
    private static final int IN_MOVED_FROM = 0x40;
    private static final int IN_MOVED_TO = 0x80;
    private static final int IN_CREATE = 0x100;
    private static final int IN_DELETE = 0x200;
    private static final int IN_DELETE_SELF = 0x400;
    private static final int IN_MOVE_SELF = 0x800;
    private static final int IN_UNMOUNT = 0x2000;
    private static final int IN_Q_OVERFLOW = 0x4000;
    private static final int IN_IGNORED = 0x8000;
    private static final int IN_ONLYDIR = 0x1000000;
    private static final int MASK = IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE
            | IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR;
    private static final int WATCH_GONE = IN_DELETE_SELF | IN_MOVE_SELF | IN_UNMOUNT | IN_IGNORED;
    private static final int EAGAIN = 11;
    private static final int EINTR = 4;
    /** Room for several hundred events per read. */
    private static final int BUFFER_BYTES = 64 * 1024;

    private static final boolean AVAILABLE = load();

    private final Path dir;
    private final Charset names;
    private final byte[] buffer = new byte[BUFFER_BYTES];
    private int fd;
    private boolean broken;

    /** What changed since the last poll: entry names (hidden ones included), and whether events were lost. */
    record Changes(Set<String> names, boolean lost) {
    }

    private DirectoryEvents(Path dir, int fd) {
        this.dir = dir;
        this.fd = fd;
        this.names = jnuCharset();
    }

    /**
     * Watches a directory; null where inotify is not available (another OS, or its calls cannot be loaded: that is
     * logged once).
     *
     * @throws IOException when the kernel refuses (no inotify instance or watch left, the directory unreadable)
     */
    static DirectoryEvents open(Path dir) throws IOException {
        if (!AVAILABLE) {
            return null;
        }
        int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        if (fd < 0) {
            throw new IOException("inotify_init1: errno " + Native.getLastError());
        }
        DirectoryEvents events = new DirectoryEvents(dir, fd);
        byte[] path = (dir.toString() + '\0').getBytes(events.names);
        if (inotify_add_watch(fd, path, MASK) < 0) {
            int errno = Native.getLastError();
            events.close();
            throw new IOException("inotify_add_watch: errno " + errno);
        }
        return events;
    }

    /** Everything queued since the last poll. */
    synchronized Changes poll() {
        Set<String> changed = new HashSet<>();
        boolean lost = broken;
        while (fd >= 0 && !broken) {
            long n = read(fd, buffer, buffer.length);
            if (n < 0) {
                int errno = Native.getLastError();
                if (errno == EINTR) {
                    continue;
                }
                if (errno != EAGAIN) {
                    LOG.warn("reading the events of {} failed (errno {}); listing it again", dir, errno);
                    broken = true;
                    lost = true;
                }
                break;
            }
            lost |= parse((int) n, changed);
        }
        return new Changes(changed, lost);
    }

    /** True once the watch ended (the directory was removed, moved or unmounted, or reading failed). */
    synchronized boolean broken() {
        return broken;
    }

    private boolean parse(int length, Set<String> changed) {
        ByteBuffer events = ByteBuffer.wrap(buffer, 0, length).order(ByteOrder.nativeOrder());
        boolean lost = false;
        while (events.remaining() >= 16) {
            events.getInt(); // watch descriptor: there is one
            int mask = events.getInt();
            events.getInt(); // rename cookie
            int nameBytes = events.getInt();
            int start = events.position();
            int end = start;
            while (end < start + nameBytes && buffer[end] != 0) {
                end++;
            }
            events.position(start + nameBytes);
            if ((mask & IN_Q_OVERFLOW) != 0) {
                lost = true;
            } else if ((mask & WATCH_GONE) != 0) {
                broken = true;
                lost = true;
            } else if (end > start) {
                changed.add(new String(buffer, start, end - start, names));
            }
        }
        return lost;
    }

    @Override
    public synchronized void close() {
        if (fd >= 0) {
            close(fd);
            fd = -1;
        }
        broken = true;
    }

    private static Charset jnuCharset() {
        try {
            return Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
        } catch (IllegalArgumentException e) {
            return StandardCharsets.UTF_8;
        }
    }

    private static boolean load() {
        if (!Platform.isLinux()) {
            return false;
        }
        try {
            Native.register(DirectoryEvents.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
            return true;
        } catch (LinkageError | RuntimeException e) {
            LOG.warn("inotify is not available ({}); every file plugin listing reads the whole directory",
                    e.toString());
            return false;
        }
    }

    private static native int inotify_init1(int flags);

    private static native int inotify_add_watch(int fd, byte[] path, int mask);

    private static native long read(int fd, byte[] buffer, long count);

    private static native int close(int fd);
}
