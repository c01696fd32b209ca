package io.infrakit.plugins.vagrant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.spi.InstancePlugin;
import io.infrakit.plugins.spi.InstanceSpec;
import io.infrakit.plugins.spi.PluginException;
import io.infrakit.plugins.spi.TagMatch;
import io.infrakit.plugins.supervision.ChangeListeners;
import io.infrakit.plugins.tool.CommandLineTool;
import io.infrakit.plugins.tool.ToolRun;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code vagrant} instance plugin, as InfraKit's: each instance is a Vagrant machine in a directory of its own
 * ({@link Machines}) with a Vagrantfile made from a template ({@link VagrantTemplate}) and the group's properties
 * ({@link VagrantProperties}); {@code vagrant up} makes it, {@code vagrant destroy -f} removes it. Listing reads the
 * directories; whether each machine is still up is asked in the background ({@link StatusWatcher}: {@code vagrant
 * status}, or the engine for the docker provider), every machine at most once per
 * {@link VagrantSettings#statusInterval()}, and a machine found down is reported through {@link #onChange}, left out
 * of listings and destroyed.
 *
 * <p>Cattle IDs are {@code infrakit-<random>}, as InfraKit's; a pet's ID is its logical ID (characters other than
 * letters, digits, {@code .}, {@code _} and {@code -} made {@code -}), its hostname and, with the docker provider,
 * its container's name, so a replaced pet keeps its name.
 */
public final class VagrantInstancePlugin implements InstancePlugin, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(VagrantInstancePlugin.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ID_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final String NOT_CREATED = "not_created";

    private final VagrantSettings settings;
    private final Machines machines;
    private final VagrantTemplate template;
    private final Vagrant vagrant;
    private final ChangeListeners listeners = new ChangeListeners();
    /** One machine is changed by one thread at a time; machines share these locks by the hash of their ID. */
    private final ReentrantLock[] locks = new ReentrantLock[64];
    /** Machines found down, left out of listings until they are destroyed. */
    private final Set<String> down = ConcurrentHashMap.newKeySet();
    private StatusWatcher watcher;
    private boolean closed;

    /**
     * @throws IllegalArgumentException when the template uses more than fields
     */
    public VagrantInstancePlugin(VagrantSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.machines = new Machines(settings.directory());
        this.template = new VagrantTemplate(settings.template());
        this.vagrant = new Vagrant(settings, machines.path().resolve(".infrakit").resolve("vagrant.log"));
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    public Path directory() {
        return machines.path();
    }

    /** Where every command's output is kept. */
    public Path log() {
        return vagrant.tool().log();
    }

    /** Checks the properties, that the template takes them, and that the binary is there. */
    @Override
    public void validate(JsonNode properties) {
        render("infrakit-check", VagrantProperties.parse(properties), null);
        vagrant.tool().executable();
    }

    @Override
    public String provision(InstanceSpec spec) {
        Objects.requireNonNull(spec, "spec");
        VagrantProperties props = VagrantProperties.parse(spec.properties());
        vagrant.tool().executable();
        String id = spec.logicalId() != null ? petId(spec.logicalId()) : newId();
        String vagrantfile = render(id, props, spec.logicalId());
        watcher();
        return withLock(id, () -> {
            if (spec.logicalId() != null) {
                makeRoomForPet(id);
            }
            Path dir = machines.prepare(id, vagrantfile, spec.init(), spec.logicalId());
            ToolRun up = vagrant.up(dir, props.provider());
            if (!up.ok()) {
                String why = up.failure();
                cleanUp(id, "its vagrant up failed");
                throw new PluginException("vagrant up of " + id + " failed: " + why);
            }
            machines.writeTags(id, spec.tagsOrEmpty());
            watcher().up(id);
            LOG.info("machine {} is up ({} s){}", id, up.took().toSeconds(),
                    spec.logicalId() == null ? "" : " for " + spec.logicalId());
            return id;
        });
    }

    @Override
    public void label(String instanceId, Map<String, String> labels) {
        withLock(instanceId, () -> {
            Map<String, String> tags = machines.tags(instanceId);
            if (tags == null) {
                throw new PluginException("instance " + instanceId + " not found in " + machines.path());
            }
            Map<String, String> merged = new LinkedHashMap<>(tags);
            merged.putAll(labels);
            machines.writeTags(instanceId, merged);
            return null;
        });
    }

    @Override
    public void destroy(String instanceId, String reason) {
        withLock(instanceId, () -> {
            if (!machines.machine(instanceId).toFile().isDirectory()) {
                throw new PluginException("instance " + instanceId + " not found in " + machines.path());
            }
            destroyMachine(instanceId);
            LOG.info("destroyed machine {} ({})", instanceId, reason);
            return null;
        });
    }

    /** Machines that are up (made, and not found down since), with the tags they were made with. */
    @Override
    public List<InstanceDescription> describeInstances(Map<String, String> tags, boolean properties) {
        List<InstanceDescription> found = new ArrayList<>();
        for (String id : machines.ids()) {
            Map<String, String> machineTags = down.contains(id) ? null : machines.tags(id);
            if (machineTags != null && TagMatch.matches(machineTags, tags)) {
                ObjectNode props = null;
                if (properties) {
                    props = JsonNodeFactory.instance.objectNode().put("Directory", machines.machine(id).toString());
                }
                found.add(new InstanceDescription(id, machines.logicalId(id), machineTags, props));
            }
        }
        return found;
    }

    /** The listener runs when a machine is found down. */
    @Override
    public AutoCloseable onChange(Runnable listener) {
        Objects.requireNonNull(listener, "listener");
        watcher();
        return listeners.add(listener);
    }

    @Override
    public void close() {
        StatusWatcher w;
        synchronized (this) {
            closed = true;
            w = watcher;
        }
        if (w != null) {
            w.close();
        }
        listeners.clear();
    }

    /** The status watcher, started by the first provision or listener: a CLI that only lists starts none. */
    private synchronized StatusWatcher watcher() {
        if (closed) {
            throw new PluginException("the vagrant plugin on " + machines.path() + " is closed");
        }
        if (watcher == null) {
            DockerProviderStates engine = new DockerProviderStates(new CommandLineTool("docker", "PATH",
                    settings.environment(), machines.path().resolve(".infrakit").resolve("status.log")));
            watcher = new StatusWatcher(machines, vagrant, settings.engineStatus() && engine.available() ? engine
                    : null, settings.statusInterval(), this::busy, this::wentDown,
                    id -> withLockIfFree(id, () -> cleanUp(id, "it was never finished")));
        }
        return watcher;
    }

    private String render(String id, VagrantProperties props, String logicalId) {
        Map<String, Object> data = new HashMap<>();
        data.put("ID", id);
        data.put("Properties", props.all());
        data.put("NetworkOptions", logicalId == null ? ", type: \"dhcp\""
                : ", ip: \"" + VagrantTemplate.checkSafe("The logical ID", logicalId) + "\"");
        return template.render(data);
    }

    private void wentDown(String id, String state) {
        if (down.add(id)) {
            listeners.fire();
        }
        if (NOT_CREATED.equals(state)) {
            withLockIfFree(id, () -> forget(id)); // nothing left for vagrant destroy to remove
        } else {
            withLockIfFree(id, () -> cleanUp(id, "it is " + state));
        }
    }

    /** A pet's directory may hold its predecessor, down or half-made: it goes first; one that is up is an error. */
    private void makeRoomForPet(String id) {
        if (!machines.machine(id).toFile().exists()) {
            return;
        }
        if (machines.tags(id) != null && !down.contains(id)) {
            String state = vagrant.state(machines.machine(id));
            if (!StatusWatcher.DOWN.contains(state)) {
                throw new PluginException("machine " + id + " exists already (" + state + ")");
            }
        }
        cleanUp(id, "its pet is made again");
    }

    /** Destroys what is left of a machine; failures are logged, the next round tries again. */
    private void cleanUp(String id, String why) {
        try {
            LOG.info("destroying machine {}: {}", id, why);
            destroyMachine(id);
        } catch (PluginException e) {
            LOG.warn("cannot destroy machine {} ({}): {}", id, why, e.getMessage());
        }
    }

    private void destroyMachine(String id) {
        Path dir = machines.machine(id);
        if (dir.resolve("Vagrantfile").toFile().exists()) {
            ToolRun run = vagrant.destroy(dir);
            if (!run.ok() && !NOT_CREATED.equals(stateOrNull(dir))) {
                throw new PluginException("vagrant destroy of " + id + " failed: " + run.failure());
            }
        }
        forget(id);
    }

    private void forget(String id) {
        machines.remove(id);
        down.remove(id);
        StatusWatcher w = watcher;
        if (w != null) {
            w.forget(id);
        }
    }

    private String stateOrNull(Path dir) {
        try {
            return vagrant.state(dir);
        } catch (PluginException e) {
            return null;
        }
    }

    private ReentrantLock lock(String id) {
        return locks[Math.floorMod(id.hashCode(), locks.length)];
    }

    private boolean busy(String id) {
        return lock(id).isLocked();
    }

    private <T> T withLock(String id, Supplier<T> action) {
        ReentrantLock lock = lock(id);
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }

    private void withLockIfFree(String id, Runnable action) {
        ReentrantLock lock = lock(id);
        if (lock.tryLock()) {
            try {
                action.run();
            } finally {
                lock.unlock();
            }
        }
    }

    static String petId(String logicalId) {
        String id = logicalId.replaceAll("[^A-Za-z0-9_.-]", "-");
        return Character.isLetterOrDigit(id.charAt(0)) ? id : "pet" + id;
    }

    private String newId() {
        while (true) {
            StringBuilder id = new StringBuilder("infrakit-");
            for (int i = 0; i < 10; i++) {
                id.append(ID_CHARS.charAt(RANDOM.nextInt(ID_CHARS.length())));
            }
            if (!machines.machine(id.toString()).toFile().exists()) {
                return id.toString();
            }
        }
    }

    @Override
    public String toString() {
        return "VagrantInstancePlugin[" + machines.path() + "]";
    }
}
