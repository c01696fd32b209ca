package io.infrakit.plugins.memory;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.plugins.group.Tags;
import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.json.ObjectFields;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.fence.FencedInstancePlugin;
import io.infrakit.plugins.fence.TermFence;
import io.infrakit.plugins.spi.InstancePlugin;
import io.infrakit.plugins.spi.InstanceSpec;
import io.infrakit.plugins.spi.PluginException;
import io.infrakit.plugins.spi.TagMatch;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Instances that exist only in this object: for tests, and for measuring what the controller itself costs without
 * any real infrastructure. Thread-safe; behaves as a real plugin should (a provisioned instance is listed as soon as
 * {@link #provision} returns, labels merge, a tag filter is a subset match, unknown IDs are "instance not found").
 * {@link #lose} removes an instance behind the controller's back, as a crashed machine would, and tells
 * {@link #onChange} listeners.
 */
public final class InMemoryInstancePlugin implements InstancePlugin {

    private record Instance(long sequence, String id, InstanceSpec spec, Map<String, String> tags) {
    }

    private final Map<String, Instance> instances = new ConcurrentHashMap<>();
    /** Instance IDs by their {@code infrakit.group} tag: a controller lists one group at a time. */
    private final Map<String, Set<String>> byGroup = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final LongAdder provisioned = new LongAdder();
    private final LongAdder destroyed = new LongAdder();
    private final TermFence fence = TermFence.inMemory("this in-memory plugin");

    @Override
    public void validate(JsonNode properties) {
        ObjectFields.requireObjectOrAbsent(properties, "Properties", PluginException::new);
    }

    @Override
    public String provision(InstanceSpec spec) {
        Objects.requireNonNull(spec, "spec");
        long n = sequence.incrementAndGet();
        String id = "instance-" + n;
        Instance instance = new Instance(n, id, spec, Map.copyOf(spec.tagsOrEmpty()));
        instances.put(id, instance);
        index(instance);
        provisioned.increment();
        return id;
    }

    @Override
    public void label(String instanceId, Map<String, String> labels) {
        Instance updated = instances.computeIfPresent(instanceId, (id, old) -> {
            Map<String, String> tags = new LinkedHashMap<>(old.tags());
            tags.putAll(labels);
            unindex(old);
            Instance relabelled = new Instance(old.sequence(), id, old.spec(), Map.copyOf(tags));
            index(relabelled);
            return relabelled;
        });
        if (updated == null) {
            throw new PluginException("instance not found: " + instanceId);
        }
    }

    @Override
    public void destroy(String instanceId, String reason) {
        Instance gone = instanceId == null ? null : instances.remove(instanceId);
        if (gone == null) {
            throw new PluginException("instance not found: " + instanceId);
        }
        unindex(gone);
        destroyed.increment();
    }


    /** Calls of a leader's term, fenced by the newest term this object has seen. */
    @Override
    public InstancePlugin fenced(long term) {
        return new FencedInstancePlugin(this, fence, term);
    }
    @Override
    public List<InstanceDescription> describeInstances(Map<String, String> tags, boolean properties) {
        List<Instance> matching = new ArrayList<>();
        String group = tags == null ? null : tags.get(Tags.GROUP);
        Iterable<Instance> candidates = group == null ? instances.values()
                : byGroup.getOrDefault(group, Set.of()).stream().map(instances::get).filter(Objects::nonNull)::iterator;
        for (Instance instance : candidates) {
            if (TagMatch.matches(instance.tags(), tags)) {
                matching.add(instance);
            }
        }
        matching.sort(Comparator.comparingLong(Instance::sequence));
        List<InstanceDescription> out = new ArrayList<>(matching.size());
        for (Instance i : matching) {
            out.add(new InstanceDescription(i.id(), i.spec().logicalId(), i.tags(),
                    properties ? Json.toTree(i.spec()) : null));
        }
        return out;
    }

    @Override
    public AutoCloseable onChange(Runnable listener) {
        Objects.requireNonNull(listener, "listener");
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** Removes an instance as if it died on its own, and tells the listeners. False when there was none. */
    public boolean lose(String instanceId) {
        Instance gone = instances.remove(instanceId);
        if (gone == null) {
            return false;
        }
        unindex(gone);
        listeners.forEach(Runnable::run);
        return true;
    }

    /** The spec an instance was provisioned with, or null. */
    public InstanceSpec spec(String instanceId) {
        Instance instance = instances.get(instanceId);
        return instance == null ? null : instance.spec();
    }

    /** Instances that exist now. */
    public int size() {
        return instances.size();
    }

    /** Successful {@link #provision} calls so far. */
    public long provisionCount() {
        return provisioned.sum();
    }

    /** Successful {@link #destroy} calls so far (not {@link #lose}). */
    public long destroyCount() {
        return destroyed.sum();
    }

    private void index(Instance i) {
        String group = i.tags().get(Tags.GROUP);
        if (group != null) {
            // Added inside compute: unindex drops a group's set once empty, and an add to a set already dropped
            // would be lost.
            byGroup.compute(group, (g, ids) -> {
                Set<String> set = ids != null ? ids : ConcurrentHashMap.newKeySet();
                set.add(i.id());
                return set;
            });
        }
    }

    private void unindex(Instance i) {
        String group = i.tags().get(Tags.GROUP);
        if (group != null) {
            byGroup.computeIfPresent(group, (g, ids) -> {
                ids.remove(i.id());
                return ids.isEmpty() ? null : ids;
            });
        }
    }

    @Override
    public String toString() {
        return "InMemoryInstancePlugin[" + instances.size() + " instances]";
    }
}
