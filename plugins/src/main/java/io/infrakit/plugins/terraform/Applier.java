package io.infrakit.plugins.terraform;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.plugins.spi.PluginException;
import io.infrakit.plugins.tool.ToolRun;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every change through one thread, in batches: what was asked while a command ran (or within
 * {@link #LINGER_MILLIS} of the first request) goes into the next batch, so a group of 10 costs one {@code apply},
 * not 10, and two commands never race on the state. A batch, holding the directory's lock:
 *
 * <ol>
 *   <li>finds instance files whose resources are gone from the state (destroyed or removed outside the plugin), or
 *   tainted (half-made): they are destroyed with the batch's removals, or just forgotten;</li>
 *   <li>destroys the removed instances with one targeted {@code destroy}, so their destroy-time provisioners run,
 *   then deletes their files;</li>
 *   <li>writes the new and relabelled files and runs one {@code apply}. An instance whose resources are all in the
 *   state afterwards, untainted, is made; the others get the errors about them (or the whole output when no error
 *   names them), their half-made resources destroyed and their files deleted. When some instances failed with
 *   errors of their own, the others, held back by those, are tried once more on their own.</li>
 * </ol>
 *
 * The state is read again after each batch and published before anyone waiting is told, so a provisioned instance
 * is listed as soon as its Provision returns.
 */
final class Applier implements AutoCloseable {

    static final long LINGER_MILLIS = 50;
    static final long CLOSE_GRACE_SECONDS = 30;
    private static final Logger LOG = LoggerFactory.getLogger(Applier.class);

    /** A change to make; {@code done} completes when it is made, exceptionally with the reason it is not. */
    sealed interface Change permits Create, Relabel, Remove {
        String id();

        CompletableFuture<Void> done();
    }

    record Create(String id, JsonNode content, CompletableFuture<Void> done) implements Change {
    }

    record Relabel(String id, Map<String, String> labels, CompletableFuture<Void> done) implements Change {
    }

    record Remove(String id, CompletableFuture<Void> done) implements Change {
    }

    /** Queued by {@link #close()} so that an idle worker sees it is closed. */
    private static final Change WAKE_UP = new Remove("", new CompletableFuture<>());

    private final InstanceDirectory dir;
    private final Tofu tofu;
    private final BlockingQueue<Change> queue = new LinkedBlockingQueue<>();
    private final Thread worker;
    private volatile boolean closed;
    private volatile long batches;

    Applier(InstanceDirectory dir, Tofu tofu) {
        this.dir = dir;
        this.tofu = tofu;
        this.worker = new Thread(this::loop, "terraform " + dir.path());
        worker.setDaemon(true);
        worker.start();
    }

    /** Batches run so far. */
    long batches() {
        return batches;
    }

    /** Queues a change; the returned future completes when it is made or has failed. */
    CompletableFuture<Void> submit(Change change) {
        queue.add(change);
        if (closed) { // the worker may be gone already; the first completion wins
            change.done().completeExceptionally(new PluginException("the terraform plugin on " + dir.path()
                    + " is closed"));
        }
        return change.done();
    }

    private void loop() {
        try {
            while (!closed) {
                Change first = queue.take();
                if (first == WAKE_UP) {
                    continue;
                }
                List<Change> batch = new ArrayList<>();
                batch.add(first);
                try {
                    Thread.sleep(LINGER_MILLIS);
                } catch (InterruptedException e) {
                    queue.addAll(batch); // failed below with the rest
                    throw e;
                }
                queue.drainTo(batch);
                batch.removeIf(c -> c == WAKE_UP);
                try {
                    dir.locked(() -> run(batch));
                } catch (RuntimeException e) {
                    LOG.warn("a batch of {} changes failed: {}", batch.size(), e.getMessage());
                    batch.forEach(c -> c.done().completeExceptionally(e instanceof PluginException ? e
                            : new PluginException(e.toString(), e)));
                }
                batches++;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Change> left = new ArrayList<>();
        queue.drainTo(left);
        left.removeIf(c -> c == WAKE_UP);
        left.forEach(c -> c.done().completeExceptionally(new PluginException("the terraform plugin is closed")));
    }

    /** One batch; futures are completed only after the state is published. */
    private void run(List<Change> batch) {
        Map<Change, RuntimeException> failed = new LinkedHashMap<>();
        TofuState state = dir.readState();
        Set<String> files = dir.instanceIds();

        List<Create> creates = new ArrayList<>();
        List<Relabel> relabels = new ArrayList<>();
        Set<String> removals = new LinkedHashSet<>();
        List<Remove> removes = new ArrayList<>();
        for (Change c : batch) {
            boolean exists = files.contains(c.id());
            boolean live = exists && dir.live(state, c.id());
            if (c instanceof Create create && !live) {
                creates.add(create);
            } else if (c instanceof Create) {
                failed.put(c, new PluginException(c.id() + " exists already"));
            } else if (c instanceof Relabel relabel && live) {
                relabels.add(relabel);
            } else if (c instanceof Remove remove && exists) {
                removes.add(remove);
                removals.add(c.id());
            } else {
                failed.put(c, new PluginException("instance " + c.id() + " not found in " + dir.path()));
            }
        }
        for (String id : files) {
            if (!dir.live(state, id) && !removals.contains(id)) {
                LOG.warn("instance {} is gone from the state (destroyed or removed outside the plugin, or its "
                        + "creation failed); removing it", id);
                removals.add(id);
            }
        }
        if (!removals.isEmpty()) {
            state = destroy(removals, state, removes, failed);
        }
        if (!creates.isEmpty() || !relabels.isEmpty()) {
            state = apply(creates, relabels, failed, true);
        }
        dir.publish(state);
        for (Change c : batch) {
            RuntimeException e = failed.get(c);
            if (e == null) {
                c.done().complete(null);
            } else {
                c.done().completeExceptionally(e);
            }
        }
    }

    /**
     * Destroys the instances' resources still in the state, then forgets the instances whose resources are gone. A
     * tainted resource (its creation failed half-way) is untainted first: OpenTofu runs no destroy-time provisioner
     * for a tainted resource, and those provisioners are what removes the half-made thing. One that still cannot be
     * destroyed is tainted again, so it is never listed, and tried again with the next change.
     */
    private TofuState destroy(Set<String> ids, TofuState state, List<Remove> asked,
                              Map<Change, RuntimeException> failed) {
        Map<String, List<String>> addresses = new LinkedHashMap<>();
        List<String> targets = new ArrayList<>();
        List<String> tainted = new ArrayList<>();
        for (String id : ids) {
            List<String> a = dir.addresses(id);
            addresses.put(id, a);
            for (String address : a) {
                if (state.has(address)) {
                    targets.add(address);
                    if (!state.live(address)) {
                        tainted.add(address);
                    }
                }
            }
        }
        ToolRun run = null;
        if (!targets.isEmpty()) {
            tainted.forEach(tofu::untaint);
            run = tofu.destroy(targets);
            state = dir.readState();
            TofuState now = state;
            List<String> stuck = tainted.stream().filter(now::has).toList();
            if (!stuck.isEmpty()) {
                stuck.forEach(tofu::taint);
                state = dir.readState();
            }
        }
        for (String id : ids) {
            TofuState now = state;
            List<String> left = addresses.get(id).stream().filter(now::has).toList();
            Remove remove = asked.stream().filter(r -> r.id().equals(id)).findFirst().orElse(null);
            if (left.isEmpty()) {
                dir.delete(id);
            } else if (remove != null) {
                failed.put(remove, failure(run, id, left, "destroy"));
            }
        }
        return state;
    }

    private TofuState apply(List<Create> creates, List<Relabel> relabels, Map<Change, RuntimeException> failed,
                            boolean mayRetry) {
        Map<String, JsonNode> before = new LinkedHashMap<>();
        for (Relabel r : relabels) {
            JsonNode old = dir.read(r.id());
            before.put(r.id(), old);
            dir.write(r.id(), InstanceFile.relabel(old, r.id(), r.labels()));
        }
        creates.forEach(c -> dir.write(c.id(), c.content()));
        ToolRun run = tofu.apply();
        TofuState state = dir.readState();

        List<Create> heldBack = new ArrayList<>();
        boolean someNamed = false;
        Set<String> cleanup = new LinkedHashSet<>();
        for (Create c : creates) {
            List<String> addresses = dir.addresses(c.id());
            if (addresses.stream().allMatch(state::live)) {
                continue;
            }
            List<String> about = TofuErrors.about(run.stderr(), c.id(), addresses);
            someNamed |= !about.isEmpty();
            if (about.isEmpty() && mayRetry) {
                heldBack.add(c);
            } else {
                failed.put(c, failure(run, c.id(), addresses, "apply"));
            }
            cleanup.add(c.id());
        }
        for (Relabel r : relabels) {
            if (!run.ok()) {
                dir.write(r.id(), before.get(r.id())); // as it was: the state still has the old tags
                failed.put(r, failure(run, r.id(), dir.addresses(r.id()), "apply"));
            }
        }
        if (!cleanup.isEmpty()) {
            state = destroy(cleanup, state, List.of(), failed);
        }
        if (!heldBack.isEmpty()) {
            if (someNamed) {
                LOG.info("retrying {} instances held back by the errors of others", heldBack.size());
                return apply(heldBack, List.of(), failed, false);
            }
            heldBack.forEach(c -> failed.put(c, failure(run, c.id(), List.of(), "apply")));
        }
        return state;
    }

    /** The errors about the instance, else the whole output: tofu's own words. */
    private PluginException failure(ToolRun run, String id, List<String> addresses, String what) {
        String command = tofu.tool().binary() + " " + what;
        if (run == null) {
            return new PluginException(command + " of " + id + " failed");
        }
        List<String> about = TofuErrors.about(run.stderr(), id, addresses);
        String message = TofuErrors.message(about.isEmpty() ? TofuErrors.blocks(run.failure()) : about);
        return new PluginException(command + " of " + id + " failed: " + message);
    }

    /**
     * Fails what is queued and takes nothing more; lets a batch that runs finish for up to
     * {@link #CLOSE_GRACE_SECONDS}, then stops its command (SIGTERM: OpenTofu saves the state as it stops).
     */
    @Override
    public void close() {
        closed = true;
        queue.add(WAKE_UP);
        try {
            worker.join(TimeUnit.SECONDS.toMillis(CLOSE_GRACE_SECONDS));
            if (worker.isAlive()) {
                worker.interrupt();
                worker.join(TimeUnit.SECONDS.toMillis(CLOSE_GRACE_SECONDS));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
