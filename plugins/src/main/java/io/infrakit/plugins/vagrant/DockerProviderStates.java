package io.infrakit.plugins.vagrant;

import io.infrakit.plugins.tool.CommandLineTool;
import io.infrakit.plugins.tool.ToolRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The states of machines of Vagrant's docker provider, asked of the engine the way the provider itself does it (the
 * container whose ID Vagrant keeps in {@code .vagrant/machines/default/docker/id}), but with one {@code docker
 * inspect} for all of them instead of one {@code vagrant status} (seconds of CPU) each. States are Vagrant's:
 * {@code running}, {@code stopped}, {@code not_created}.
 */
final class DockerProviderStates {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final CommandLineTool docker;

    DockerProviderStates(CommandLineTool docker) {
        this.docker = docker;
    }

    /** The container of a docker-provider machine, or null for a machine of another provider (or not made). */
    static String containerId(Path machine) {
        try {
            String id = Files.readString(machine.resolve(".vagrant/machines/default/docker/id")).strip();
            return id.matches("[0-9a-f]{12,64}") ? id : null;
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            return null; // vagrant status will tell
        }
    }

    /** Whether the {@code docker} command is there to ask. */
    boolean available() {
        return CommandLineTool.find(docker.binary()).isPresent();
    }

    /**
     * Each container's state, by container ID; empty when the engine could not be asked (then nothing is known, and
     * a machine is never taken for gone).
     */
    Map<String, String> states(List<String> containers) {
        List<String> args = new ArrayList<>(List.of("inspect", "--format", "{{.Id}} {{.State.Status}}"));
        args.addAll(containers);
        ToolRun run = docker.run(Path.of("/"), Map.of(), TIMEOUT, args.toArray(String[]::new));
        Map<String, String> states = new HashMap<>();
        for (String line : run.stdout().split("\n")) {
            String[] f = line.strip().split(" ");
            if (f.length == 2) {
                String state = switch (f[1]) {
                    case "running", "restarting", "paused" -> "running";
                    default -> "stopped"; // created, exited, dead, removing
                };
                containers.stream().filter(f[0]::startsWith).forEach(c -> states.put(c, state));
            }
        }
        if (!run.ok()) {
            // Exit 1 also when some are missing; only "No such object" says a container is gone.
            for (String c : containers) {
                if (!states.containsKey(c) && run.stderr().contains("No such object: " + c)) {
                    states.put(c, "not_created");
                }
            }
        }
        return states;
    }
}
