package io.infrakit.plugins.vagrant;

import io.infrakit.plugins.spi.PluginException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks for each machine's state, each at most once per interval, from a daemon thread: Vagrant, one machine at a
 * time, or for the docker provider's machines the engine, all at once ({@link DockerProviderStates}). A machine that
 * is no longer up (its container or VM was removed, stopped or powered off behind the plugin's back) is handed to
 * {@code gone} with its state; a directory without tags that nobody is making (a provision cut short by a crash) to
 * {@code leftover}. A state that cannot be told is logged and asked again next time: an error is never taken for a
 * machine that is gone.
 */
final class StatusWatcher implements AutoCloseable {

    /** States in which a machine is not up; every other state (running, saved, paused, ...) counts as up. */
    static final Set<String> DOWN = Set.of("not_created", "stopped", "poweroff", "aborted", "shutoff", "crashed",
            "inaccessible");

    private static final Logger LOG = LoggerFactory.getLogger(StatusWatcher.class);

    private final Machines machines;
    private final Vagrant vagrant;
    private final Duration interval;
    private final Predicate<String> busy;
    private final BiConsumer<String, String> gone;
    private final Consumer<String> leftover;
    private final DockerProviderStates dockerStates;
    private final Map<String, Long> checkedNanos = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean closed;

    /**
     * @param dockerStates asks the engine about the docker provider's machines, all at once; null: Vagrant is asked
     * @param busy         machines the plugin is making or destroying right now: not asked about
     */
    StatusWatcher(Machines machines, Vagrant vagrant, DockerProviderStates dockerStates, Duration interval,
                  Predicate<String> busy, BiConsumer<String, String> gone, Consumer<String> leftover) {
        this.machines = machines;
        this.dockerStates = dockerStates;
        this.vagrant = vagrant;
        this.interval = interval;
        this.busy = busy;
        this.gone = gone;
        this.leftover = leftover;
        this.thread = new Thread(this::run, "vagrant status " + machines.path());
        thread.setDaemon(true);
        thread.start();
    }

    /** The machine was just seen up (made by the plugin): no need to ask before the interval is over. */
    void up(String id) {
        checkedNanos.put(id, System.nanoTime());
    }

    void forget(String id) {
        checkedNanos.remove(id);
    }

    private void run() {
        long pause = Math.min(1000, Math.max(10, interval.toMillis() / 4));
        while (!closed) {
            try {
                round();
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("checking the machines in {} failed: {}", machines.path(), e.getMessage());
                try {
                    Thread.sleep(interval.toMillis());
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    private void round() {
        Map<String, String> docker = new LinkedHashMap<>(); // machine -> container, for one docker inspect
        for (String id : machines.ids()) {
            if (closed) {
                return;
            }
            if (busy.test(id)) {
                continue;
            }
            if (machines.tags(id) == null) {
                leftover.accept(id);
                continue;
            }
            Long last = checkedNanos.get(id);
            if (last != null && System.nanoTime() - last < interval.toNanos()) {
                continue;
            }
            String container = dockerStates == null ? null : DockerProviderStates.containerId(machines.machine(id));
            if (container != null) {
                docker.put(id, container);
                continue;
            }
            try {
                judge(id, vagrant.state(machines.machine(id)));
            } catch (PluginException e) {
                checkedNanos.put(id, System.nanoTime());
                LOG.warn("cannot tell the state of machine {}: {}", id, e.getMessage());
            }
        }
        if (!docker.isEmpty()) {
            Map<String, String> states = dockerStates.states(List.copyOf(docker.values()));
            docker.forEach((id, container) -> {
                if (states.containsKey(container)) {
                    judge(id, states.get(container));
                } else {
                    LOG.warn("cannot tell the state of machine {} (container {})", id, container);
                }
            });
        }
        checkedNanos.keySet().retainAll(machines.ids());
    }

    private void judge(String id, String state) {
        checkedNanos.put(id, System.nanoTime());
        if (DOWN.contains(state) && !busy.test(id)) {
            LOG.warn("machine {} is {}: it is gone", id, state);
            gone.accept(id, state);
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(15));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
