package io.infrakit.plugins.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices when VMs end. For each watched VM a thread holds QEMU's second monitor ({@code watch.sock}) open: QEMU
 * closes it the moment its process exits, which is the report, and the events before (a guest shutdown, a
 * panic) say why. When that monitor cannot be had (another client holds it), the thread looks at the process every
 * {@link #POLL} instead. Each end is reported once, never for a VM that was unwatched first (destroyed on purpose).
 */
final class VmWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(VmWatcher.class);
    static final Duration POLL = Duration.ofMillis(250);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    /** Called once for each VM that ended: its ID and what QEMU last said about why (null when nothing). */
    interface OnEnd {
        void ended(String id, String why);
    }

    private final class Watch implements Runnable {
        final String id;
        final VmFiles files;
        volatile boolean stopped;
        volatile Qmp monitor;
        volatile String why;

        Watch(String id, VmFiles files) {
            this.id = id;
            this.files = files;
        }

        @Override
        public void run() {
            try (Qmp qmp = Qmp.connect(files.watchSocket(), CONNECT_TIMEOUT)) {
                monitor = qmp;
                if (!stopped) {
                    qmp.awaitEvents(this::event);
                }
            } catch (IOException e) {
                if (!stopped) {
                    LOG.debug("watching VM {} through /proc: {}", id, e.getMessage());
                }
            }
            try {
                // After the monitor's end this is over in a moment; without a monitor it is the watch.
                while (!stopped && QemuProcess.alive(files)) {
                    Thread.sleep(POLL.toMillis());
                }
            } catch (InterruptedException e) {
                return;
            }
            if (!stopped && watches.remove(id, this)) {
                onEnd.ended(id, why);
            }
        }

        private void event(JsonNode event) {
            String name = event.path("event").asText();
            switch (name) {
                case "SHUTDOWN" -> why = "shutdown (" + event.path("data").path("reason").asText("?") + ")";
                case "GUEST_PANICKED" -> why = "guest panicked";
                case "RESET" -> why = "reset (" + event.path("data").path("reason").asText("?") + ")";
                default -> { }
            }
            LOG.debug("VM {}: {}", id, event);
        }

        void stop() {
            stopped = true;
            Qmp m = monitor;
            if (m != null) {
                m.close();
            }
        }
    }

    private final Map<String, Watch> watches = new ConcurrentHashMap<>();
    private final OnEnd onEnd;
    private volatile boolean closed;

    VmWatcher(OnEnd onEnd) {
        this.onEnd = onEnd;
    }

    /** Starts watching a VM (again: an earlier watch of the same ID is replaced). */
    void watch(String id, VmFiles files) {
        if (closed) {
            return;
        }
        Watch w = new Watch(id, files);
        Watch previous = watches.put(id, w);
        if (previous != null) {
            previous.stop();
        }
        Thread t = new Thread(w, "qemu-watch-" + id);
        t.setDaemon(true);
        t.start();
    }

    boolean watching(String id) {
        return watches.containsKey(id);
    }

    /** Stops watching, so an end this plugin causes itself (destroy) is not reported. */
    void unwatch(String id) {
        Watch w = watches.remove(id);
        if (w != null) {
            w.stop();
        }
    }

    @Override
    public void close() {
        closed = true;
        for (String id : watches.keySet()) {
            unwatch(id);
        }
    }
}
