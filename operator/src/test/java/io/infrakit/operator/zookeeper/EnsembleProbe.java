package io.infrakit.operator.zookeeper;

import io.infrakit.plugins.spi.InstanceDescription;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Samples an ensemble every few milliseconds from its own thread: which instance holds each member address (from
 * the instance plugin) and whether the member serves (from {@code srvr}). The timeline answers "was quorum kept"
 * and "did the roll go one member at a time".
 */
final class EnsembleProbe implements AutoCloseable {

    /** One look at the ensemble. {@code instances}: address to instance ID (absent: no instance). */
    record Sample(long nanos, Map<String, String> instances, Map<String, Srvr.Mode> modes) {

        long serving() {
            return modes.values().stream().filter(Srvr::serving).count();
        }

        /** Members that answered and said they do not serve (a member too busy to answer is not counted). */
        long provenDown() {
            return modes.values().stream().filter(m -> m != Srvr.Mode.NO_ANSWER && !Srvr.serving(m)).count();
        }
    }

    private final List<String> members;
    private final int port;
    private final Supplier<List<InstanceDescription>> instances;
    private final List<Sample> samples = new ArrayList<>();
    private final Thread thread;
    private volatile boolean stop;

    EnsembleProbe(List<String> members, int port, Supplier<List<InstanceDescription>> instances) {
        this.members = List.copyOf(members);
        this.port = port;
        this.instances = instances;
        this.thread = new Thread(this::run, "ensemble-probe");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        while (!stop) {
            Map<String, String> held = new HashMap<>();
            for (InstanceDescription d : instances.get()) {
                held.put(d.logicalId(), d.id());
            }
            Map<String, Srvr.Mode> modes = new HashMap<>();
            for (String m : members) {
                modes.put(m, Srvr.ask(m, port));
            }
            synchronized (samples) {
                samples.add(new Sample(System.nanoTime(), held, modes));
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Stops sampling and returns the timeline. */
    List<Sample> stop() {
        stop = true;
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    @Override
    public void close() {
        stop();
    }
}
