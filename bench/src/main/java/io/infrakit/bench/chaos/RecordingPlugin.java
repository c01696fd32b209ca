package io.infrakit.bench.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.plugins.fence.StaleTermException;
import io.infrakit.plugins.group.Tags;
import io.infrakit.plugins.memory.InMemoryInstancePlugin;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.spi.InstancePlugin;
import io.infrakit.plugins.spi.InstanceSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The lab's instance plugin, served to the replicas on a Unix socket: instances in memory (fenced by the callers'
 * terms like every built-in), and an append-only record of every call that changes instances, written by the
 * plugin, not by the caller: when it arrived (ms since the lab started), the caller's term, what it asked, and
 * whether it was done, refused by the fence, or failed. The record is what the invariants are checked against.
 */
final class RecordingPlugin implements InstancePlugin, AutoCloseable {

    /** One call as the plugin saw it. {@code term} 0: the call carried none. */
    record Call(long at, long end, long term, String method, String group, String logicalId, String instance,
                String outcome) {

        boolean done() {
            return outcome.equals("done");
        }

        boolean refused() {
            return outcome.startsWith("refused");
        }

        String line() {
            return at + " " + end + " term=" + term + " " + method + " group=" + group
                    + (logicalId == null ? "" : " lid=" + logicalId) + " " + instance + " " + outcome;
        }
    }

    private final InMemoryInstancePlugin instances = new InMemoryInstancePlugin();
    private final long t0;
    private final Writer log;
    private final List<Call> calls = new ArrayList<>();
    /** instance ID → group and logical ID, for destroys (which name only the instance). */
    private final Map<String, String[]> owners = new java.util.concurrent.ConcurrentHashMap<>();
    /** instance ID → when its Provision arrived (ms since the lab started). */
    private final Map<String, Long> born = new java.util.concurrent.ConcurrentHashMap<>();

    RecordingPlugin(long t0, Path logFile) throws IOException {
        this.t0 = t0;
        this.log = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8);
    }

    long now() {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    /** Removes an instance behind the operator's back (a machine dies): the leader must replace it. */
    boolean lose(String instanceId) {
        String[] owner = owners.getOrDefault(instanceId, new String[2]);
        boolean[] lost = new boolean[1];
        record(0, "Lost", owner[0], owner[1], instanceId, () -> {
            lost[0] = instances.lose(instanceId);
            return instanceId;
        });
        return lost[0];
    }

    List<InstanceDescription> list(String group) {
        return instances.describeInstances(Map.of(Tags.GROUP, group), false);
    }

    /** How long ago the instance was provisioned (ms; 0 when unknown). */
    long age(String instanceId) {
        Long at = born.get(instanceId);
        return at == null ? 0 : now() - at;
    }

    @Override
    public void validate(JsonNode properties) {
        instances.validate(properties);
    }

    @Override
    public String provision(InstanceSpec spec) {
        return fenced(0).provision(spec);
    }

    @Override
    public void label(String instanceId, Map<String, String> labels) {
        fenced(0).label(instanceId, labels);
    }

    @Override
    public void destroy(String instanceId, String reason) {
        fenced(0).destroy(instanceId, reason);
    }

    @Override
    public List<InstanceDescription> describeInstances(Map<String, String> tags, boolean properties) {
        return instances.describeInstances(tags, properties);
    }

    @Override
    public InstancePlugin fenced(long term) {
        InstancePlugin inner = instances.fenced(term);
        return new InstancePlugin() {
            @Override
            public void validate(JsonNode properties) {
                inner.validate(properties);
            }

            @Override
            public String provision(InstanceSpec spec) {
                Map<String, String> tags = spec.tagsOrEmpty();
                String[] result = new String[1];
                long at = now();
                record(term, "Provision", tags.get(Tags.GROUP), spec.logicalId(), "-", () -> {
                    result[0] = inner.provision(spec);
                    owners.put(result[0], new String[] {tags.get(Tags.GROUP), spec.logicalId()});
                    born.put(result[0], at);
                    return result[0];
                });
                return result[0];
            }

            @Override
            public void label(String instanceId, Map<String, String> labels) {
                String[] owner = owners.getOrDefault(instanceId, new String[2]);
                record(term, "Label", owner[0], owner[1], instanceId, () -> {
                    inner.label(instanceId, labels);
                    return instanceId;
                });
            }

            @Override
            public void destroy(String instanceId, String reason) {
                String[] owner = owners.getOrDefault(instanceId, new String[2]);
                record(term, "Destroy", owner[0], owner[1], instanceId, () -> {
                    inner.destroy(instanceId, reason);
                    return instanceId;
                });
            }

            @Override
            public List<InstanceDescription> describeInstances(Map<String, String> tags, boolean properties) {
                return inner.describeInstances(tags, properties);
            }
        };
    }

    private void record(long term, String method, String group, String logicalId, String instanceId,
                        Supplier<String> call) {
        long at = now();
        String instance = instanceId;
        String outcome;
        RuntimeException failure = null;
        try {
            instance = call.get();
            outcome = "done";
        } catch (StaleTermException e) {
            outcome = "refused(newest=" + e.newest() + ")";
            failure = e;
        } catch (RuntimeException e) {
            outcome = "failed(" + e.getMessage() + ")";
            failure = e;
        }
        Call c = new Call(at, now(), term, method, group, logicalId, instance, outcome);
        synchronized (this) {
            calls.add(c);
            try {
                log.write(c.line());
                log.write('\n');
                log.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public synchronized void close() throws IOException {
        log.close();
    }
}
