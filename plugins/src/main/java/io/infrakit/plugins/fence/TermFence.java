package io.infrakit.plugins.fence;

import io.infrakit.plugins.spi.PluginException;
import io.infrakit.plugins.state.PrivateFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * The newest leadership term a plugin has seen, and the rule that goes with it: a call from an older term is
 * refused. The check and the call it admits are one step: calls of the newest term run under a shared lock, and the
 * first call of a newer term waits, under an exclusive lock, for the calls in flight to finish before it raises
 * the term. So once a newer leader's call has been admitted, no call of an older term can be, however long its
 * caller was paused between deciding to call and calling.
 *
 * <p>{@link #inDirectory} keeps the term in {@value #FILE_NAME} beside the plugin's state, locked with the
 * operating system's file locks, so every process sharing the state (operator replicas on one host, a plugin and
 * a restarted copy of it) agrees. A call without a term ({@code term <= 0}: not from a leader, e.g. a person's CLI)
 * is not fenced.
 */
public final class TermFence {

    /** The hidden file holding the newest term, in the plugin's state directory. */
    public static final String FILE_NAME = ".leader-term";

    /** How long a call waits for a lock held by another process before failing (that process may be paused). */
    static final Duration LOCK_WAIT = Duration.ofSeconds(10);

    /** One fence per directory in this JVM: file locks are per process, so threads must agree among themselves. */
    private static final Map<Path, TermFence> BY_DIRECTORY = new ConcurrentHashMap<>();

    private final String where;
    private final Terms terms;
    private final ReentrantReadWriteLock local = new ReentrantReadWriteLock();

    private TermFence(String where, Terms terms) {
        this.where = where;
        this.terms = terms;
    }

    /** The fence kept in {@code dir}/{@value #FILE_NAME}, shared by every plugin of this JVM on that directory. */
    public static TermFence inDirectory(Path dir) {
        Path file = dir.toAbsolutePath().normalize().resolve(FILE_NAME);
        return BY_DIRECTORY.computeIfAbsent(file, f -> new TermFence("the plugin on " + dir, new FileTerms(f)));
    }

    /** A fence in memory, for a plugin whose state lives only in this process. */
    public static TermFence inMemory(String where) {
        return new TermFence(where, new MemoryTerms());
    }

    /** The newest term admitted so far (0: none). */
    public long newest() {
        local.readLock().lock();
        try {
            terms.enterShared();
            try {
                return terms.read();
            } finally {
                terms.exitShared();
            }
        } finally {
            local.readLock().unlock();
        }
    }

    /**
     * Runs the call if {@code term} is not older than the newest seen, raising the newest to it.
     *
     * @throws StaleTermException when a newer term has been seen; the call is not made
     */
    public <T> T admit(long term, Supplier<T> call) {
        if (term <= 0) {
            return call.get();
        }
        local.readLock().lock();
        try {
            terms.enterShared();
            try {
                long newest = terms.read();
                if (term == newest) {
                    return call.get();
                }
                if (term < newest) {
                    throw new StaleTermException(term, newest, where);
                }
            } finally {
                terms.exitShared();
            }
        } finally {
            local.readLock().unlock();
        }
        local.writeLock().lock();
        try {
            terms.enterExclusive();
            try {
                long newest = terms.read();
                if (term < newest) {
                    throw new StaleTermException(term, newest, where);
                }
                if (term > newest) {
                    terms.write(term);
                }
                return call.get();
            } finally {
                terms.exitExclusive();
            }
        } finally {
            local.writeLock().unlock();
        }
    }

    /** Where the newest term is kept, and the locks between processes that share it. */
    private interface Terms {
        void enterShared();

        void exitShared();

        void enterExclusive();

        void exitExclusive();

        long read();

        void write(long term);
    }

    private static final class MemoryTerms implements Terms {
        private volatile long newest;

        @Override
        public void enterShared() {
        }

        @Override
        public void exitShared() {
        }

        @Override
        public void enterExclusive() {
        }

        @Override
        public void exitExclusive() {
        }

        @Override
        public long read() {
            return newest;
        }

        @Override
        public void write(long term) {
            newest = term;
        }
    }

    /**
     * The term in a file. Readers of this JVM share one shared file lock (the first takes it, the last releases
     * it); the exclusive lock is taken only while no reader of this JVM holds one (the local write lock).
     */
    private static final class FileTerms implements Terms {
        private final Path file;
        private int readers;
        private FileChannel channel;
        private FileLock lock;

        FileTerms(Path file) {
            this.file = file;
        }

        @Override
        public synchronized void enterShared() {
            if (readers == 0) {
                open(true);
            }
            readers++;
        }

        @Override
        public synchronized void exitShared() {
            if (--readers == 0) {
                close();
            }
        }

        @Override
        public synchronized void enterExclusive() {
            open(false);
        }

        @Override
        public synchronized void exitExclusive() {
            close();
        }

        @Override
        public synchronized long read() {
            try {
                ByteBuffer buf = ByteBuffer.allocate(32);
                int n = channel.read(buf, 0);
                String text = n <= 0 ? "" : new String(buf.array(), 0, n, StandardCharsets.US_ASCII).strip();
                return text.isEmpty() ? 0 : Long.parseLong(text);
            } catch (IOException | NumberFormatException e) {
                throw new PluginException("cannot read the leader term in " + file + ": " + e, e);
            }
        }

        @Override
        public synchronized void write(long term) {
            try {
                channel.truncate(0);
                channel.write(ByteBuffer.wrap((term + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
                channel.force(false);
            } catch (IOException e) {
                throw new PluginException("cannot record the leader term in " + file + ": " + e, e);
            }
        }

        private void open(boolean shared) {
            try {
                channel = FileChannel.open(file, java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(PrivateFiles.FILE));
                long deadline = System.nanoTime() + LOCK_WAIT.toNanos();
                while ((lock = channel.tryLock(0, Long.MAX_VALUE, shared)) == null) {
                    if (System.nanoTime() > deadline) {
                        throw new PluginException("the leader term in " + file + " has been locked by another process"
                                + " for " + LOCK_WAIT.toSeconds() + " s (is it paused?); try again later");
                    }
                    Thread.sleep(5);
                }
            } catch (IOException e) {
                close();
                throw new PluginException("cannot open the leader term in " + file + ": " + e, e);
            } catch (InterruptedException e) {
                close();
                Thread.currentThread().interrupt();
                throw new PluginException("interrupted while waiting for the leader term in " + file, e);
            } catch (PluginException e) {
                close();
                throw e;
            }
        }

        private void close() {
            try {
                if (channel != null) {
                    channel.close(); // releases the lock too
                }
            } catch (IOException e) {
                // nothing was written that a close could lose: the term is forced at each write
            } finally {
                channel = null;
                lock = null;
            }
        }
    }
}
