package io.infrakit.plugins.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.exception.DockerClientException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerConfig;
import io.infrakit.plugins.access.HostAccess;
import io.infrakit.plugins.group.Tags;
import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.json.KeyAudit;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.spi.InstancePlugin;
import io.infrakit.plugins.spi.InstanceSpec;
import io.infrakit.plugins.spi.PluginException;
import io.infrakit.plugins.supervision.ChangeListeners;
import io.infrakit.plugins.supervision.CrashLoops;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each instance is a container on one Docker engine. Tags become container labels and instances are listed by
 * label, so the engine itself is the only state. A container that stops is reported through {@link #onChange} as
 * soon as the engine's event says so, and is removed when next listed (a replacement takes its place; a pet's
 * replacement reuses its name).
 *
 * <p>Properties follow InfraKit's Docker instance plugin; see {@link DockerProperties} for the format and
 * {@link ContainerRequest} for how the flavor's init script runs.
 */
public final class DockerInstancePlugin implements InstancePlugin, AutoCloseable {

    /** Privileges, host namespaces, mounts, devices and ports its containers ask for: see {@link DockerHostAccess}. */
    public static final HostAccess HOST_ACCESS = DockerHostAccess::requests;

    private static final Logger LOG = LoggerFactory.getLogger(DockerInstancePlugin.class);
    /** Container states that count as a live instance; others ("exited", "dead") are gone. */
    private static final Set<String> LIVE = Set.of("created", "running", "restarting", "paused");
    private static final long PULL_TIMEOUT_MINUTES = 10;
    /**
     * A container still "created" this long after its creation was never started (its provision failed half-way,
     * or the leader died between create and start): it counts as gone.
     */
    private static final Duration NEVER_STARTED = Duration.ofMinutes(1);

    private final DockerClient docker;
    private final DockerClient eventsClient;
    private final ContainerCreator creator;
    private final Networks networks;
    private final ChangeListeners listeners = new ChangeListeners();
    /**
     * Containers the engine said died. Its listing may still call them running for a moment after the event (the
     * engine announces the death before it updates the view it lists from), so the event is believed first.
     */
    private final Set<String> died = ConcurrentHashMap.newKeySet();
    /** When each running container started (its start event), to tell a crash loop from kills. */
    private final Map<String, Long> startedNanos = new ConcurrentHashMap<>();
    private final CrashLoops crashLoops = new CrashLoops();
    private ContainerEvents events;
    private boolean closed;

    /**
     * Uses (and, on {@link #close}, closes) the given clients: {@code events} follows the event stream, so it must
     * have no response timeout ({@link DockerClients#streaming}).
     */
    public DockerInstancePlugin(DockerClient docker, DockerClient events) {
        this.docker = Objects.requireNonNull(docker, "docker");
        this.eventsClient = Objects.requireNonNull(events, "events");
        this.creator = new ContainerCreator(docker);
        this.networks = new Networks(docker);
    }

    /** A plugin on the engine at {@code host} ({@code unix:///var/run/docker.sock}, {@code tcp://h:2375}). */
    public static DockerInstancePlugin connect(String host) {
        return new DockerInstancePlugin(DockerClients.connect(host), DockerClients.streaming(host));
    }

    /** Config and HostConfig are Docker's own (passed to the engine as they are): only the keys around them. */
    @Override
    public List<KeyAudit.UnknownKey> unknownKeys(JsonNode properties) {
        return KeyAudit.of(() -> DockerProperties.parse(properties)).stream()
                .filter(k -> !k.path().startsWith("Properties.Config.")).toList();
    }

    @Override
    public void validate(JsonNode properties) {
        DockerProperties.parse(properties);
    }

    @Override
    public String provision(InstanceSpec spec) {
        DockerProperties properties = DockerProperties.parse(spec.properties());
        return engine(() -> provision(spec, properties));
    }

    private String provision(InstanceSpec spec, DockerProperties properties) {
        InspectImageResponse image = image(properties);
        ContainerConfig imageConfig = image.getConfig();
        List<String> entrypoint = imageConfig == null ? List.of() : list(imageConfig.getEntrypoint());
        List<String> cmd = imageConfig == null ? List.of() : list(imageConfig.getCmd());
        List<ContainerRequest.Network> attach = networks.resolve(properties.networks(), spec.logicalId());
        ObjectNode body = ContainerRequest.body(properties, spec, entrypoint, cmd,
                attach.isEmpty() ? null : attach.get(0));
        String name = ContainerRequest.containerName(spec.logicalId());
        if (name != null) {
            clearName(name, spec.tagsOrEmpty().getOrDefault(Tags.GROUP, ""));
        }
        String id = creator.create(name, body);
        try {
            for (ContainerRequest.Network extra : attach.subList(Math.min(1, attach.size()), attach.size())) {
                networks.connect(extra, id);
            }
            docker.startContainerCmd(id).exec();
        } catch (RuntimeException e) {
            removeQuietly(id);
            throw e;
        }
        LOG.info("started container {} ({}) from {}", shortId(id), name == null ? "unnamed" : name,
                properties.image());
        return id;
    }

    /** Runs an engine call; any failure but the plugin's own becomes a PluginException the group's status shows. */
    private static <T> T engine(Supplier<T> call) {
        try {
            return call.get();
        } catch (PluginException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new PluginException("docker: " + e.getMessage(), e);
        }
    }

    @Override
    public void label(String instanceId, Map<String, String> labels) {
        throw new PluginException("Docker container label updates are not implemented yet");
    }

    @Override
    public void destroy(String instanceId, String reason) {
        engine(() -> {
            if (remove(instanceId)) {
                LOG.info("removed container {} ({})", shortId(instanceId), reason);
            } else {
                LOG.debug("container {} was already gone", instanceId);
            }
            return null;
        });
    }

    @Override
    public List<InstanceDescription> describeInstances(Map<String, String> tags, boolean properties) {
        List<Container> containers = engine(() -> docker.listContainersCmd().withShowAll(true)
                .withLabelFilter(tags).exec());
        // Only a group's own listing clears its dead containers; a broader one (a CLI's) only reads.
        boolean reap = tags.containsKey(Tags.GROUP);
        long now = System.currentTimeMillis() / 1000;
        List<InstanceDescription> live = new ArrayList<>();
        for (Container c : containers) {
            boolean stuck = "created".equals(c.getState()) && c.getCreated() != null
                    && now - c.getCreated() > NEVER_STARTED.toSeconds();
            if (!LIVE.contains(c.getState()) || stuck) {
                if (reap) {
                    LOG.warn("container {} {}: {}; removing it", shortId(c.getId()), names(c),
                            stuck ? "created but never started" : c.getStatus());
                    removeQuietly(c.getId());
                }
                continue;
            }
            if (died.contains(c.getId())) {
                continue; // dead; removed once the engine lists it so
            }
            Map<String, String> labels = c.getLabels() == null ? Map.of() : c.getLabels();
            live.add(new InstanceDescription(c.getId(), labels.get(Tags.LOGICAL_ID), labels,
                    properties ? Json.toTree(Map.of("State", c.getState(), "Status", c.getStatus(),
                            "Names", names(c), "Image", c.getImage())) : null));
        }
        return live;
    }

    @Override
    public synchronized AutoCloseable onChange(Runnable listener) {
        Objects.requireNonNull(listener, "listener");
        if (closed) {
            throw new IllegalStateException("closed");
        }
        if (events == null) {
            events = new ContainerEvents(eventsClient, this::containerEvent);
        }
        return listeners.add(listener);
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (events != null) {
            events.close();
        }
        listeners.clear();
        for (DockerClient client : List.of(docker, eventsClient)) {
            try {
                client.close();
            } catch (java.io.IOException e) {
                LOG.debug("closing a Docker client", e);
            }
        }
    }

    /**
     * A death is reported to the listeners at once, unless the group is in a crash loop (its replacements die young,
     * one after the other): then later and later, so a broken image is restarted slowly, not in a tight loop.
     */
    private void containerEvent(String action, String id, String group) {
        if (action == null) {
            listeners.fire(); // reconnected: something may have been missed
            return;
        }
        long now = System.nanoTime();
        switch (action) {
            case "start" -> {
                died.remove(id);
                startedNanos.put(id, now);
            }
            case "die" -> {
                died.add(id);
                Long started = startedNanos.remove(id);
                Duration lived = started == null ? null : Duration.ofNanos(now - started);
                Duration delay = crashLoops.delay(group, lived, now);
                if (delay.isZero()) {
                    listeners.fire();
                } else {
                    LOG.warn("container {} of group '{}' died after {} ms, {} quick deaths in a row: reporting it in "
                            + "{} ms", shortId(id), group, lived.toMillis(), crashLoops.streak(group), delay.toMillis());
                    events.later(listeners::fire, delay);
                }
            }
            case "destroy" -> {
                startedNanos.remove(id);
                if (!died.remove(id)) {
                    listeners.fire(); // removed while alive, by someone else
                }
            }
            default -> { }
        }
    }

    /** The image, pulled first when the properties say so. */
    private InspectImageResponse image(DockerProperties properties) {
        String image = properties.image();
        InspectImageResponse local = inspect(image);
        boolean present = local != null;
        if (properties.pull() == DockerProperties.Pull.ALWAYS
                || (!present && properties.pull() == DockerProperties.Pull.MISSING)) {
            try {
                var pull = docker.pullImageCmd(image);
                if (!hasTagOrDigest(image)) {
                    pull.withTag("latest"); // without a tag the Engine API pulls every tag of the repository
                }
                if (!pull.start().awaitCompletion(PULL_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                    throw new PluginException("pulling " + image + " took over " + PULL_TIMEOUT_MINUTES + " minutes");
                }
            } catch (DockerException | DockerClientException e) {
                if (!present) {
                    throw new PluginException("image " + image + " is not on the engine and pulling it failed: "
                            + e.getMessage(), e);
                }
                LOG.warn("pulling {} failed, using the local copy: {}", image, e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PluginException("interrupted while pulling " + image, e);
            }
            return docker.inspectImageCmd(image).exec(); // what the pull brought, or the local copy
        }
        if (!present) {
            throw new PluginException("image " + image + " is not on the engine (Pull is \"never\")");
        }
        return local;
    }

    private InspectImageResponse inspect(String image) {
        try {
            return docker.inspectImageCmd(image).exec();
        } catch (NotFoundException e) {
            return null;
        }
    }

    /**
     * A pet's name may still be held by its dead predecessor, which is removed. A live holder, or any container
     * that is not the group's own, is an error and never touched.
     */
    private void clearName(String name, String group) {
        for (Container c : docker.listContainersCmd().withShowAll(true).withNameFilter(List.of(name)).exec()) {
            if (!Arrays.asList(c.getNames()).contains("/" + name)) {
                continue; // the name filter matches substrings
            }
            String owner = c.getLabels() == null ? null : c.getLabels().get(Tags.GROUP);
            if (group.isEmpty() || !group.equals(owner)) {
                throw new PluginException("container name " + name + " is in use by " + shortId(c.getId())
                        + ", which is not a container of group '" + group + "'");
            }
            if (LIVE.contains(c.getState()) && !died.contains(c.getId())) {
                throw new PluginException("container name " + name + " is in use by " + shortId(c.getId())
                        + " (" + c.getState() + ")");
            }
            removeQuietly(c.getId());
        }
    }

    /** Whether an image reference names a tag or digest ("nginx:1.25", "h:5000/app@sha256:…"; not "h:5000/app"). */
    static boolean hasTagOrDigest(String image) {
        String last = image.substring(image.lastIndexOf('/') + 1);
        return image.contains("@") || last.contains(":");
    }

    /** Removes a container, running or not, with its anonymous volumes; false when it was already gone. */
    private boolean remove(String id) {
        try {
            docker.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    private void removeQuietly(String id) {
        try {
            remove(id);
        } catch (DockerException e) {
            LOG.warn("could not remove container {}: {}", shortId(id), e.getMessage());
        }
    }

    private static List<String> list(String[] values) {
        return values == null ? List.of() : List.of(values);
    }

    private static String names(Container c) {
        return c.getNames() == null ? "" : String.join(",", c.getNames());
    }

    static String shortId(String id) {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }
}
