package io.infrakit.plugins.terraform;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.plugins.file.DirectoryWatcher;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.spi.InstancePlugin;
import io.infrakit.plugins.spi.InstanceSpec;
import io.infrakit.plugins.spi.PluginException;
import io.infrakit.plugins.spi.TagMatch;
import io.infrakit.plugins.supervision.ChangeListeners;
import io.infrakit.plugins.tool.CommandLineTool;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code terraform} instance plugin, as InfraKit's: each instance is a file {@code <ID>.tf.json} in one working
 * directory, made from the group's properties ({@link TerraformProperties}), with the tags carried into the resource
 * and the init script where the resource type takes it ({@link ResourceTypes}); OpenTofu or Terraform makes it real.
 * Other {@code .tf}/{@code .tf.json} files in the directory (networks, variables, providers) are the user's and are
 * applied with the instances.
 *
 * <p>Changes are serialised and batched ({@link Applier}): Provisions that arrive together cost one {@code apply}.
 * Destroy runs a targeted {@code destroy}, so destroy-time provisioners run. Listing reads the instance files and the
 * state: an instance exists when its resource is in the state, untainted. Cattle IDs are {@code instance-<unix
 * millis>} (InfraKit used seconds); a pet's ID, and so its resource's name, comes from its logical ID and is the
 * same for its replacements.
 *
 * <p>The directory is the plugin's state: it lives on the host that runs the plugin.
 */
public final class TerraformInstancePlugin implements InstancePlugin, AutoCloseable {

    /** The option that names the binary, for error messages. */
    public static final String BINARY_OPTION = "--terraform-bin";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(30);

    private static final Logger LOG = LoggerFactory.getLogger(TerraformInstancePlugin.class);

    private final InstanceDirectory dir;
    private final Tofu tofu;
    private final Applier applier;
    private final Duration timeout;
    private final ChangeListeners listeners = new ChangeListeners();
    private final AtomicLong lastId = new AtomicLong();
    private DirectoryWatcher watcher;
    private boolean closed;

    /**
     * @param dir     the working directory (created when missing)
     * @param binary  {@code tofu} or {@code terraform}, on {@code PATH} or as a path; looked up on every run
     * @param timeout the longest one {@code apply} or {@code destroy} may run before it is stopped
     */
    public TerraformInstancePlugin(Path dir, String binary, Duration timeout) {
        this.dir = new InstanceDirectory(dir);
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.tofu = new Tofu(binary, BINARY_OPTION, this.dir.path(), timeout);
        this.applier = new Applier(this.dir, tofu);
    }

    public TerraformInstancePlugin(Path dir, String binary) {
        this(dir, binary, DEFAULT_TIMEOUT);
    }

    /** {@code tofu} when it is on {@code PATH}, else {@code terraform}. */
    public static String defaultBinary() {
        return CommandLineTool.find("tofu").isPresent() ? "tofu" : "terraform";
    }

    public Path directory() {
        return dir.path();
    }

    /** Where every command's output is kept. */
    public Path log() {
        return tofu.tool().log();
    }

    /** Batches of changes made so far (each at most one destroy and one apply, plus retries and clean-up). */
    long batches() {
        return applier.batches();
    }

    /** Checks the properties, and that the binary is there to act on them. */
    @Override
    public void validate(JsonNode properties) {
        InstanceFile.render(InstanceFile.PREFIX + "0", new InstanceSpec(properties, Map.of(), "", null, null));
        tofu.tool().executable();
    }

    @Override
    public String provision(InstanceSpec spec) {
        Objects.requireNonNull(spec, "spec");
        tofu.tool().executable(); // a clear error before anything is written
        String id = spec.logicalId() != null ? InstanceFile.petId(spec.logicalId()) : newId();
        JsonNode content = InstanceFile.render(id, spec);
        await(applier.submit(new Applier.Create(id, content, new CompletableFuture<>())), "provision " + id);
        LOG.info("created instance {}{}", id, spec.logicalId() == null ? "" : " (" + spec.logicalId() + ")");
        return id;
    }

    @Override
    public void label(String instanceId, Map<String, String> labels) {
        dir.file(instanceId);
        await(applier.submit(new Applier.Relabel(instanceId, Map.copyOf(labels), new CompletableFuture<>())),
                "label " + instanceId);
    }

    @Override
    public void destroy(String instanceId, String reason) {
        dir.file(instanceId);
        await(applier.submit(new Applier.Remove(instanceId, new CompletableFuture<>())), "destroy " + instanceId);
        LOG.info("destroyed instance {} ({})", instanceId, reason);
    }

    /**
     * The instances whose resource is in the state, untainted, with the tags the state gives it (or, for resource
     * types that keep no tags there, its file's), and with {@code properties} its attributes from the state.
     */
    @Override
    public List<InstanceDescription> describeInstances(Map<String, String> tags, boolean properties) {
        TofuState state = dir.current();
        List<InstanceDescription> found = new ArrayList<>();
        for (String id : dir.instanceIds()) {
            TofuState.Resource r = dir.resource(state, id);
            if (r == null) {
                continue; // being made, or gone: the next change forgets it
            }
            Map<String, String> instanceTags = ResourceTypes.tags(r.type(), r.attributes());
            if (instanceTags.isEmpty() && dir.exists(id)) {
                try {
                    instanceTags = InstanceFile.tags(dir.read(id), id);
                } catch (PluginException e) {
                    continue; // deleted meanwhile
                }
            }
            if (TagMatch.matches(instanceTags, tags)) {
                String logicalId = instanceTags.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(
                        "LogicalID")).map(Map.Entry::getValue).findFirst().orElse(null);
                found.add(new InstanceDescription(id, logicalId, instanceTags, properties ? r.attributes() : null));
            }
        }
        return found;
    }

    /**
     * Calls the listener when the state or an instance file changes while this plugin changes nothing: someone ran
     * {@code tofu destroy} or removed a file by hand.
     */
    @Override
    public synchronized AutoCloseable onChange(Runnable listener) {
        Objects.requireNonNull(listener, "listener");
        if (closed) {
            throw new PluginException("the terraform plugin on " + dir.path() + " is closed");
        }
        if (watcher == null) {
            try {
                // Events of the plugin's own changes come in after them: only a difference from what it last saw
                // is reported, or a failing Provision would be retried on its own events, in a loop.
                watcher = new DirectoryWatcher(dir.path(), () -> {
                    if (!dir.busy() && dir.changedBehindItsBack()) {
                        LOG.info("the state or the instance files in {} changed outside the plugin", dir.path());
                        listeners.fire();
                    }
                }, (kind, name) -> !(name.equals(InstanceDirectory.STATE) || InstanceFile.idOf(name) != null));
            } catch (IOException e) {
                LOG.warn("cannot watch {}: changes made by hand are seen at the next resync ({})", dir.path(),
                        e.toString());
            }
        }
        return listeners.add(listener);
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (watcher != null) {
            watcher.close();
        }
        listeners.clear();
        applier.close();
    }

    private String newId() {
        while (true) {
            long now = System.currentTimeMillis();
            long id = lastId.updateAndGet(last -> Math.max(now, last + 1));
            String candidate = InstanceFile.PREFIX + id;
            if (!dir.exists(candidate)) {
                return candidate;
            }
        }
    }

    private void await(CompletableFuture<Void> done, String what) {
        try {
            // Each batch runs at most a few commands, each stopped at the timeout: this bound is only a backstop.
            done.get(timeout.toMillis() * 5 + TimeUnit.MINUTES.toMillis(1), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof PluginException p ? new PluginException(p.getMessage(), p)
                    : new PluginException(what + " failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new PluginException(what + " did not finish in time; see " + log(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PluginException("interrupted while waiting to " + what, e);
        }
    }

    @Override
    public String toString() {
        return "TerraformInstancePlugin[" + dir.path() + ", " + tofu.tool().binary() + "]";
    }
}
