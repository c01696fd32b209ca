package io.infrakit.plugins.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.infrakit.plugins.access.HostAccess;
import io.infrakit.plugins.group.Tags;
import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.json.KeyAudit;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.fence.FencedInstancePlugin;
import io.infrakit.plugins.fence.TermFence;
import io.infrakit.plugins.spi.InstancePlugin;
import io.infrakit.plugins.spi.InstanceSpec;
import io.infrakit.plugins.spi.PluginException;
import io.infrakit.plugins.spi.TagMatch;
import io.infrakit.plugins.state.InfraKitHome;
import io.infrakit.plugins.supervision.ChangeListeners;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code qemu} instance plugin: each instance is a QEMU virtual machine that boots a kernel (and initramfs)
 * directly, runs daemonized with a pid file, and has its serial console and two QMP monitors on Unix sockets in
 * {@code <state dir>/<id>/}. The flavor's init script reaches the guest on a config drive (see
 * {@link ConfigDrive}); a pet's qcow2 disk outlives it (see {@link Disks}); networking is off unless the
 * properties ask for QEMU's user-mode network ({@link QemuProperties}).
 *
 * <p>The VMs outlive the plugin: a new plugin on the same directory (an operator restart) finds them through
 * their state files and pid files. A VM whose QEMU exits is reported through {@link #onChange} at once (see
 * {@link VmWatcher}). Describe asks each live VM for its run state over QMP; in a group's own listing, a VM QEMU
 * calls dead (shut down, panicked, failed) or one that missed its boot deadline is stopped and left out, so that
 * it is replaced. Destroy presses the power button ({@code system_powerdown}), and after the group's
 * {@code StopGrace} tells QEMU to {@code quit}.
 */
public final class QemuInstancePlugin implements InstancePlugin, AutoCloseable {

    /** Kernel and initramfs files, the QEMU program, user-mode network, forwarded ports: see {@link QemuProperties}. */
    public static final HostAccess HOST_ACCESS = properties -> QemuProperties.parse(properties).hostRequests();

    private static final Logger LOG = LoggerFactory.getLogger(QemuInstancePlugin.class);
    static final String ID_PREFIX = "qemu-";
    /** QMP states of a VM that will not run again by itself. */
    private static final Set<String> DEAD = Set.of("shutdown", "guest-panicked", "internal-error", "io-error");
    static final Duration QMP_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration QUIT_GRACE = Duration.ofSeconds(5);

    private final Path dir;
    private final Disks disks;
    private final VmStates states;
    private final ChangeListeners listeners = new ChangeListeners();
    private final BootMarkers boots = new BootMarkers();
    /** IDs being provisioned: their state file exists before their QEMU does. */
    private final Set<String> provisioning = ConcurrentHashMap.newKeySet();
    private VmWatcher watcher;
    private boolean closed;

    /**
     * @param stateDir where VM directories and pets' disks live; created when missing
     * @throws PluginException when the directory cannot be created
     */
    public QemuInstancePlugin(Path stateDir) {
        this.dir = Objects.requireNonNull(stateDir, "stateDir").toAbsolutePath();
        try {
            Files.createDirectories(this.dir);
        } catch (IOException e) {
            throw new PluginException("cannot create the qemu state directory " + this.dir + ": " + e, e);
        }
        this.disks = new Disks(dir.resolve("disks"));
        this.states = new VmStates(dir);
    }

    /** {@code instances/qemu} in InfraKit's home ({@code $INFRAKIT_HOME}, else {@code $HOME/.infrakit}). */
    public static Path defaultDirectory() {
        return InfraKitHome.dir().resolve("instances").resolve("qemu");
    }

    public Path directory() {
        return dir;
    }

    /** Where a pet's disk is kept, whether it exists yet or not. */
    public Path petDisk(String logicalId) {
        return disks.petDisk(logicalId);
    }

    /** The serial console log of an instance (kept after it is gone). */
    public Path consoleLog(String instanceId) {
        return files(instanceId).consoleLog();
    }

    /** The pid of an instance's QEMU, or empty when it does not run. */
    public OptionalLong pid(String instanceId) {
        return QemuProcess.pid(files(instanceId));
    }

    @Override
    public List<KeyAudit.UnknownKey> unknownKeys(JsonNode properties) {
        return KeyAudit.of(() -> QemuProperties.parse(properties));
    }

    @Override
    public void validate(JsonNode properties) {
        QemuProperties.parse(properties);
    }

    @Override
    public String provision(InstanceSpec spec) {
        Objects.requireNonNull(spec, "spec");
        QemuProperties props = QemuProperties.parse(spec.properties());
        String id = newId();
        VmFiles files = new VmFiles(dir.resolve(id)).checkSocketPaths();
        provisioning.add(id);
        try {
            Files.createDirectories(files.dir());
            ConfigDrive.write(files.configDir(), id, spec.logicalId(), spec.init());
            Path disk = props.diskMib() > 0 ? disks.prepare(spec.logicalId(), files, props.diskMib(), props.qemu())
                    : null;
            states.write(files, new VmRecord(id, spec.logicalId(), spec.tagsOrEmpty(), System.currentTimeMillis(),
                    disk == null ? null : disk.toString(), spec));
            boolean kvm = useKvm(props.accel());
            QemuLauncher.start(QemuCommand.build(props, files, id, disk, kvm), files, START_TIMEOUT);
            watcher().watch(id, files);
            LOG.info("started VM {} ({}, {} MiB{}), console {}", id, kvm ? "kvm" : "tcg", props.memoryMib(),
                    disk == null ? "" : ", disk " + disk, files.consoleSocket());
            return id;
        } catch (IOException | RuntimeException e) {
            QemuProcess.kill(files);
            states.forget(files);
            if (e instanceof PluginException pe) {
                throw pe;
            }
            throw new PluginException("cannot start VM " + id + ": " + e.getMessage(), e);
        } finally {
            provisioning.remove(id);
        }
    }

    @Override
    public void label(String instanceId, Map<String, String> labels) {
        VmFiles files = files(instanceId);
        synchronized (states) {
            VmRecord record = states.read(files);
            if (record == null || !QemuProcess.alive(files)) {
                throw new PluginException("instance " + instanceId + " not found in " + dir);
            }
            Map<String, String> tags = new LinkedHashMap<>(record.tags());
            tags.putAll(labels);
            states.write(files, record.withTags(tags));
        }
    }

    /** The power button, then {@code quit} after the group's {@code StopGrace}, then SIGKILL as a last resort. */
    @Override
    public void destroy(String instanceId, String reason) {
        VmFiles files = files(instanceId);
        VmRecord record = states.read(files);
        if (record == null) {
            throw new PluginException("instance " + instanceId + " not found in " + dir);
        }
        unwatch(instanceId);
        Duration grace = gracePeriod(record);
        try {
            String how = PowerDown.stop(files, grace, QUIT_GRACE);
            LOG.info("destroyed VM {} ({}; {})", instanceId, how, reason);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PluginException("interrupted while stopping VM " + instanceId, e);
        } finally {
            if (!QemuProcess.alive(files)) {
                states.forget(files);
                boots.forget(instanceId);
            }
        }
    }

    /**
     * The instances whose QEMU runs, with their QMP run state when properties are asked for. VMs whose QEMU is gone
     * are forgotten (their console logs stay). In a group's own listing, a VM that is dead to QMP or missed its boot
     * deadline is stopped and left out.
     */

    /** Calls of a leader's term, fenced by the newest term kept in this plugin's directory ({@link TermFence}). */
    @Override
    public InstancePlugin fenced(long term) {
        return new FencedInstancePlugin(this, TermFence.inDirectory(dir), term);
    }
    @Override
    public List<InstanceDescription> describeInstances(Map<String, String> tags, boolean properties) {
        boolean reap = tags.containsKey(Tags.GROUP);
        List<InstanceDescription> found = new ArrayList<>();
        for (VmStates.Found vm : states.list()) {
            VmRecord r = vm.record();
            if (provisioning.contains(r.id())) {
                continue;
            }
            if (!QemuProcess.alive(vm.files())) {
                states.forget(vm.files());
                boots.forget(r.id());
                continue;
            }
            if (!TagMatch.matches(r.tags(), tags)) {
                continue;
            }
            String status = status(vm.files());
            QemuProperties props = propertiesOf(r);
            Boolean booted = props == null || props.bootMarker().isEmpty() ? null
                    : boots.booted(r.id(), vm.files().consoleLog(), props.bootMarker());
            String dead = dead(r, status, booted, props);
            if (dead != null) {
                if (reap) {
                    reap(vm, dead);
                }
                continue;
            }
            found.add(new InstanceDescription(r.id(), r.logicalId(), r.tags(),
                    properties ? describe(vm, status, booted) : null));
        }
        found.sort(Comparator.comparing(InstanceDescription::id));
        return found;
    }

    /** Why a running VM counts as dead, or null when it does not. */
    private static String dead(VmRecord r, String status, Boolean booted, QemuProperties props) {
        if (status != null && DEAD.contains(status)) {
            return "QEMU reports it " + status;
        }
        if (Boolean.FALSE.equals(booted)
                && System.currentTimeMillis() - r.createdMillis() > props.bootDeadline().toMillis()) {
            return "no \"" + props.bootMarker() + "\" on its console within " + props.bootDeadline();
        }
        return null;
    }

    private void reap(VmStates.Found vm, String why) {
        String id = vm.record().id();
        LOG.warn("VM {}: {}; stopping it (its console log is {})", id, why, vm.files().consoleLog());
        unwatch(id);
        QemuProcess.kill(vm.files());
        states.forget(vm.files());
        boots.forget(id);
        listeners.fire();
    }

    private static ObjectNode describe(VmStates.Found vm, String status, Boolean booted) {
        VmFiles f = vm.files();
        ObjectNode p = Json.mapper().createObjectNode();
        p.put("Status", status == null ? "unknown" : status);
        if (booted != null) {
            p.put("Booted", booted);
        }
        QemuProcess.pid(f).ifPresent(pid -> p.put("Pid", pid));
        p.put("Console", f.consoleSocket().toString());
        p.put("ConsoleLog", f.consoleLog().toString());
        p.put("QMP", f.qmpSocket().toString());
        if (vm.record().disk() != null) {
            p.put("Disk", vm.record().disk());
        }
        return p;
    }

    /** QEMU's run state ("running", "paused", ...), or null when its monitor does not answer in time. */
    private static String status(VmFiles files) {
        try (Qmp qmp = Qmp.connect(files.qmpSocket(), QMP_TIMEOUT)) {
            return qmp.execute("query-status", null).path("status").asText(null);
        } catch (IOException e) {
            LOG.debug("no QMP status from {}: {}", files.dir(), e.getMessage());
            return null;
        }
    }

    /** The listener runs, from a watcher thread, whenever a VM's QEMU exits other than by destroy. */
    @Override
    public AutoCloseable onChange(Runnable listener) {
        Objects.requireNonNull(listener, "listener");
        watcher();
        return listeners.add(listener);
    }

    /** Stops watching; the VMs keep running, to be found by the next plugin on this directory. */
    @Override
    public synchronized void close() {
        closed = true;
        if (watcher != null) {
            watcher.close();
        }
        listeners.clear();
    }

    /** The watcher, started on first use with every running VM found in the directory. */
    private synchronized VmWatcher watcher() {
        if (watcher == null) {
            if (closed) {
                throw new PluginException("the qemu plugin on " + dir + " is closed");
            }
            watcher = new VmWatcher(this::ended);
            for (VmStates.Found vm : states.list()) {
                if (QemuProcess.alive(vm.files())) {
                    watcher.watch(vm.record().id(), vm.files());
                }
            }
        }
        return watcher;
    }

    private synchronized void unwatch(String id) {
        if (watcher != null) {
            watcher.unwatch(id);
        }
    }

    private void ended(String id, String why) {
        LOG.warn("VM {} ended{}; its console log is {}", id, why == null ? "" : ": " + why,
                files(id).consoleLog());
        listeners.fire();
    }

    private Duration gracePeriod(VmRecord record) {
        QemuProperties props = propertiesOf(record);
        return props == null ? QemuProperties.DEFAULT_STOP_GRACE : props.stopGrace();
    }

    /** The properties a VM was made with; null when they no longer parse (then defaults apply). */
    private static QemuProperties propertiesOf(VmRecord record) {
        try {
            return record.spec() == null ? null : QemuProperties.parse(record.spec().properties());
        } catch (PluginException e) {
            return null;
        }
    }

    private static boolean useKvm(QemuProperties.Accel accel) {
        return switch (accel) {
            case KVM -> true;
            case TCG -> false;
            case AUTO -> Files.isReadable(Path.of("/dev/kvm")) && Files.isWritable(Path.of("/dev/kvm"));
        };
    }

    private VmFiles files(String instanceId) {
        if (instanceId == null || !instanceId.startsWith(ID_PREFIX) || !instanceId.matches("[a-z0-9-]+")) {
            throw new PluginException("not a qemu instance ID: " + instanceId);
        }
        return new VmFiles(dir.resolve(instanceId));
    }

    private String newId() {
        for (int attempt = 0; attempt < 10; attempt++) {
            String id = ID_PREFIX + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
            if (!Files.exists(dir.resolve(id))) {
                return id;
            }
        }
        throw new PluginException("cannot find a free instance ID in " + dir);
    }

    @Override
    public String toString() {
        return "QemuInstancePlugin[" + dir + "]";
    }
}
