package io.infrakit.plugins.vagrant;

import io.infrakit.plugins.spi.PluginException;
import io.infrakit.plugins.tool.CommandLineTool;
import io.infrakit.plugins.tool.ToolRun;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;

/**
 * The {@code vagrant} command on one machine's directory ({@code VAGRANT_CWD}), without colour, without the
 * version check, at most {@code parallel} at once: each run starts a Ruby process that costs about two seconds of
 * CPU before it does anything, so an unbounded burst would only slow every one of them down.
 */
final class Vagrant {

    static final String OPTION = "--vagrant-bin";

    private final CommandLineTool tool;
    private final Duration timeout;
    private final Semaphore slots;

    Vagrant(VagrantSettings settings, Path log) {
        Map<String, String> env = new HashMap<>();
        env.put("VAGRANT_CHECKPOINT_DISABLE", "1");
        env.put("VAGRANT_NO_COLOR", "1");
        env.putAll(settings.environment());
        this.tool = new CommandLineTool(settings.binary(), OPTION, env, log);
        this.timeout = settings.timeout();
        this.slots = new Semaphore(settings.parallel(), true);
    }

    CommandLineTool tool() {
        return tool;
    }

    ToolRun up(Path machine, String provider) {
        List<String> args = new ArrayList<>(List.of("up", "--no-color"));
        if (provider != null) {
            args.add("--provider=" + provider);
        }
        return run(machine, args.toArray(String[]::new));
    }

    ToolRun destroy(Path machine) {
        return run(machine, "destroy", "-f", "--no-color");
    }

    /**
     * The machine's state ({@code running}, {@code not_created}, {@code stopped}, {@code poweroff}, ...).
     *
     * @throws PluginException when vagrant cannot tell (its own error)
     */
    String state(Path machine) {
        ToolRun run = run(machine, "status", "--machine-readable");
        if (run.ok()) {
            for (String line : run.stdout().split("\n")) {
                String[] f = line.split(",", 4);
                if (f.length == 4 && f[2].equals("state")) {
                    return f[3].strip();
                }
            }
        }
        throw new PluginException("vagrant status of " + machine.getFileName() + " failed: " + run.failure());
    }

    private ToolRun run(Path machine, String... args) {
        tool.executable(); // a missing binary is an error before a slot is waited for
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PluginException("interrupted while waiting to run vagrant " + args[0], e);
        }
        try {
            return tool.run(machine, Map.of("VAGRANT_CWD", machine.toString()), timeout, args);
        } finally {
            slots.release();
        }
    }
}
