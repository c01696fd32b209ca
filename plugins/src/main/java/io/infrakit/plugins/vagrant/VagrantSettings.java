package io.infrakit.plugins.vagrant;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How the vagrant plugin runs.
 *
 * @param directory      one subdirectory per machine is made in it
 * @param binary         {@code vagrant}, on {@code PATH} or as a path
 * @param template       the Vagrantfile template ({@link VagrantTemplate#DEFAULT} unless a user gives one)
 * @param environment    set for every {@code vagrant} run on top of the operator's own (for example
 *                       {@code DOCKER_HOST} for the docker provider, {@code VAGRANT_HOME})
 * @param statusInterval how often each machine's state is asked ({@code vagrant status}, ~2 s of CPU each)
 * @param timeout        the longest one {@code vagrant up} or {@code destroy} may run before it is stopped
 * @param parallel       {@code vagrant} commands at once (each is a Ruby process of its own)
 * @param engineStatus   ask the Docker engine, not Vagrant, for the state of the docker provider's machines (one
 *                       {@code docker inspect} for all of them, where {@code vagrant status} costs seconds each)
 */
public record VagrantSettings(Path directory, String binary, String template, Map<String, String> environment,
                              Duration statusInterval, Duration timeout, int parallel, boolean engineStatus) {

    public VagrantSettings {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(binary, "binary");
        Objects.requireNonNull(template, "template");
        environment = Map.copyOf(environment);
        Objects.requireNonNull(statusInterval, "statusInterval");
        Objects.requireNonNull(timeout, "timeout");
        if (parallel < 1) {
            throw new IllegalArgumentException("parallel must be at least 1");
        }
    }

    /** {@code vagrant} on PATH, the default template, a status check every 30 s, 30 min per command. */
    public static VagrantSettings defaults(Path directory) {
        return new VagrantSettings(directory, "vagrant", VagrantTemplate.DEFAULT, Map.of(), Duration.ofSeconds(30),
                Duration.ofMinutes(30), Math.max(2, Runtime.getRuntime().availableProcessors()), true);
    }

    public VagrantSettings withBinary(String b) {
        return new VagrantSettings(directory, b, template, environment, statusInterval,
                timeout, parallel, engineStatus);
    }

    public VagrantSettings withTemplate(String t) {
        return new VagrantSettings(directory, binary, t, environment, statusInterval,
                timeout, parallel, engineStatus);
    }

    public VagrantSettings withEnvironment(Map<String, String> e) {
        return new VagrantSettings(directory, binary, template, e, statusInterval,
                timeout, parallel, engineStatus);
    }

    public VagrantSettings withEngineStatus(boolean e) {
        return new VagrantSettings(directory, binary, template, environment, statusInterval,
                timeout, parallel, e);
    }

    public VagrantSettings withStatusInterval(Duration d) {
        return new VagrantSettings(directory, binary, template, environment, d,
                timeout, parallel, engineStatus);
    }
}
