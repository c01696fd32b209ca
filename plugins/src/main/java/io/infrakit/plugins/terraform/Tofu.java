package io.infrakit.plugins.terraform;

import io.infrakit.plugins.spi.PluginException;
import io.infrakit.plugins.state.PrivateFiles;
import io.infrakit.plugins.tool.CommandLineTool;
import io.infrakit.plugins.tool.ToolRun;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OpenTofu (or Terraform: the commands and files are the same) run in the plugin's directory, never asking anything
 * ({@code -input=false}, {@code -auto-approve}), with a CLI configuration of the plugin's own
 * ({@code TF_CLI_CONFIG_FILE}, written once into {@code .infrakit/tofurc} and then the user's to edit: provider
 * mirrors, credentials; mode 0600) so a user's {@code ~/.terraformrc} cannot change what the operator does.
 * {@code init} runs before the first command and again when a command says it is needed (a new provider appeared in
 * the configuration).
 */
final class Tofu {

    private static final Logger LOG = LoggerFactory.getLogger(Tofu.class);
    private static final Pattern NEEDS_INIT = Pattern.compile("(tofu|terraform) init|Inconsistent dependency lock "
            + "file|Required plugins are not installed|Missing required provider|Module not installed");
    private static final String LOCK_TIMEOUT = "-lock-timeout=60s";

    private final Path dir;
    private final Path config;
    private final Duration timeout;
    private final CommandLineTool tool;
    private boolean initialised;

    Tofu(String binary, String option, Path dir, Duration timeout) {
        this.dir = dir;
        this.config = dir.resolve(".infrakit").resolve("tofurc");
        this.timeout = timeout;
        this.tool = new CommandLineTool(binary, option, Map.of(
                "TF_CLI_CONFIG_FILE", config.toString(),
                "TF_IN_AUTOMATION", "1",
                "TF_INPUT", "0",
                "CHECKPOINT_DISABLE", "1"), dir.resolve(".infrakit").resolve("tofu.log"));
    }

    CommandLineTool tool() {
        return tool;
    }

    /** {@code apply}: everything in the directory, the new instance files with the rest. */
    ToolRun apply() {
        return withInit("apply", "-auto-approve", "-input=false", "-no-color", LOCK_TIMEOUT);
    }

    /**
     * {@code destroy} of the given resources only. Their configuration is still in place, so their destroy-time
     * provisioners run (deleting an instance's file and applying would destroy it without them).
     */
    ToolRun destroy(List<String> addresses) {
        List<String> args = new ArrayList<>(List.of("destroy", "-auto-approve", "-input=false", "-no-color",
                LOCK_TIMEOUT));
        addresses.forEach(a -> args.add("-target=" + a));
        return withInit(args.toArray(String[]::new));
    }

    /** Marks a resource as made after all (so that a destroy runs its destroy-time provisioners). */
    void untaint(String address) {
        stateCommand("untaint", address);
    }

    /** Marks a resource as half-made: never listed, replaced or destroyed by the next change. */
    void taint(String address) {
        stateCommand("taint", address);
    }

    private void stateCommand(String command, String address) {
        ToolRun run = withInit(command, "-no-color", LOCK_TIMEOUT, address);
        if (!run.ok()) {
            LOG.warn("{} failed: {}", run.command(), run.failure());
        }
    }

    private ToolRun withInit(String... args) {
        writeConfig();
        if (!initialised) {
            init();
        }
        ToolRun run = tool.run(dir, Map.of(), timeout, args);
        if (!run.ok() && NEEDS_INIT.matcher(run.stderr()).find()) {
            LOG.info("{} asks for init; running init and trying again", run.command());
            init();
            run = tool.run(dir, Map.of(), timeout, args);
        }
        return run;
    }

    private void init() {
        ToolRun init = tool.run(dir, Map.of(), timeout, "init", "-input=false", "-no-color");
        if (!init.ok()) {
            throw new PluginException(init.command() + " failed in " + dir + ": "
                    + TofuErrors.message(TofuErrors.blocks(init.failure())));
        }
        initialised = true;
    }

    /** The CLI configuration, written when missing; an existing one is left as the user made it. */
    private void writeConfig() {
        if (Files.exists(config)) {
            return;
        }
        Path cache = config.resolveSibling("plugin-cache");
        try {
            PrivateFiles.createDirectories(cache);
            PrivateFiles.writeAtomically(config, """
                    # OpenTofu/Terraform CLI configuration of the operator's terraform plugin (TF_CLI_CONFIG_FILE).
                    # Written once; edit it to add provider mirrors (provider_installation) or credentials.
                    disable_checkpoint = true
                    plugin_cache_dir   = "%s"
                    """.formatted(cache.toString().replace("\\", "\\\\").replace("\"", "\\\""))
                    .getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new PluginException("cannot write " + config + ": " + e.getMessage(), e);
        }
    }
}
