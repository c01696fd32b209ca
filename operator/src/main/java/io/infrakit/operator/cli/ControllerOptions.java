package io.infrakit.operator.cli;

import io.infrakit.operator.controller.ControllerConfig;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** How the operator's controller works ({@code infrakit up}): how often, how many at once, how large a group. */
final class ControllerOptions {

    @Option(names = "--resync", defaultValue = "10s", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "Reconcile every group this often even without events (default ${DEFAULT-VALUE}).")
    Duration resync;

    @Option(names = "--workers", defaultValue = "4", paramLabel = "N",
            description = "Groups reconciled at once (default ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--max-parallel", defaultValue = "16", paramLabel = "N",
            description = "Plugin calls at once within one group (default ${DEFAULT-VALUE}).")
    int maxParallel;

    @Option(names = "--max-instances", defaultValue = "${env:INFRAKIT_MAX_INSTANCES:-10000}", paramLabel = "N",
            description = "The most instances a group may ask for (env INFRAKIT_MAX_INSTANCES, default "
                    + "${DEFAULT-VALUE}): a spec asking more is an error in its status, and nothing is created.")
    long maxInstances;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /** The controller's configuration; a value out of range is a usage error. */
    ControllerConfig config() {
        if (workers < 1 || maxParallel < 1 || resync.isZero() || maxInstances < 0) {
            throw new ParameterException(command.commandLine(),
                    "--workers and --max-parallel must be at least 1, --resync above 0, --max-instances not negative");
        }
        return ControllerConfig.defaults().withResync(resync).withWorkers(workers).withMaxParallel(maxParallel)
                .withMaxInstances(maxInstances);
    }

    long maxInstances() {
        return maxInstances;
    }
}
