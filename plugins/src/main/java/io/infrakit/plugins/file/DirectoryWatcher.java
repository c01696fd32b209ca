package io.infrakit.plugins.file;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;
import static java.nio.file.StandardWatchEventKinds.OVERFLOW;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls a listener when files in a directory change, from a daemon thread. A burst of events (a script deleting ten
 * files) becomes one call: after the first event it waits until the directory has been quiet for
 * {@link #QUIET_MILLIS} (at most {@link #MAX_DELAY_MILLIS}). Hidden files (temporary files) and events the owner
 * declares its own are ignored. When the directory is removed the listener is called, and the watch resumes (with a
 * call) once a directory of that name exists again: until then its existence is checked with a backoff from
 * {@link #MISSING_FIRST_MILLIS} to {@link #MISSING_MAX_MILLIS}. Closing stops the thread; no call starts after
 * {@link #close()} returns.
 */
public final class DirectoryWatcher implements AutoCloseable {

    static final long QUIET_MILLIS = 20;
    static final long MAX_DELAY_MILLIS = 200;
    static final long MISSING_FIRST_MILLIS = 50;
    static final long MISSING_MAX_MILLIS = 2000;

    private static final Logger LOG = LoggerFactory.getLogger(DirectoryWatcher.class);

    private final Path dir;
    private final Runnable listener;
    private final BiPredicate<WatchEvent.Kind<?>, String> ownChange;
    private final WatchService service;
    private final Thread thread;
    private volatile boolean closed;

    /**
     * @param ownChange says which (kind, file name) events the owner caused itself and wants ignored
     * @throws IOException when the platform cannot watch the directory
     */
    public DirectoryWatcher(Path dir, Runnable listener, BiPredicate<WatchEvent.Kind<?>, String> ownChange) throws IOException {
        this.dir = dir;
        this.listener = listener;
        this.ownChange = ownChange;
        this.service = dir.getFileSystem().newWatchService();
        try {
            register();
        } catch (IOException | RuntimeException e) {
            service.close();
            throw e;
        }
        this.thread = new Thread(this::run, "watch " + dir);
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (!closed) {
                WatchKey key = service.take();
                boolean changed = drain(key);
                boolean valid = key.reset();
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MAX_DELAY_MILLIS);
                WatchKey more;
                while (valid && System.nanoTime() < deadline
                        && (more = service.poll(QUIET_MILLIS, TimeUnit.MILLISECONDS)) != null) {
                    changed |= drain(more);
                    valid = more.reset();
                }
                if (!valid) {
                    LOG.warn("{} is gone; watching it again once it exists", dir);
                    notifyListener();
                    awaitDirectory();
                    continue;
                }
                if (changed) {
                    notifyListener();
                }
            }
        } catch (ClosedWatchServiceException | InterruptedException e) {
            // closed
        }
    }

    private void register() throws IOException {
        dir.register(service, ENTRY_CREATE, ENTRY_DELETE, ENTRY_MODIFY);
    }

    /** Waits until the directory exists again and is watched, then calls the listener: it may hold anything. */
    private void awaitDirectory() throws InterruptedException {
        long pause = MISSING_FIRST_MILLIS;
        while (!closed) {
            Thread.sleep(pause);
            try {
                register();
                LOG.info("watching {} again", dir);
                notifyListener();
                return;
            } catch (NoSuchFileException | NotDirectoryException e) {
                pause = Math.min(pause * 2, MISSING_MAX_MILLIS);
            } catch (IOException e) {
                LOG.warn("cannot watch {} again ({}); changes made by hand are seen at the next resync", dir,
                        e.toString());
                return;
            }
        }
    }

    private boolean drain(WatchKey key) {
        boolean changed = false;
        for (WatchEvent<?> event : key.pollEvents()) {
            if (event.kind() == OVERFLOW) {
                changed = true; // events were lost: anything may have changed
                continue;
            }
            String name = event.context().toString();
            if (!name.startsWith(".") && !ownChange.test(event.kind(), name)) {
                changed = true;
            }
        }
        return changed;
    }

    private void notifyListener() {
        if (closed) {
            return;
        }
        try {
            listener.run();
        } catch (RuntimeException e) {
            LOG.warn("change listener for {} failed", dir, e);
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            service.close();
        } catch (IOException e) {
            LOG.debug("closing the watch service of {}", dir, e);
        }
        if (Thread.currentThread() != thread) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
