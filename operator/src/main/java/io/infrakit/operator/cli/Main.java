package io.infrakit.operator.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code infrakit} command line. Exit codes: 0 ok, 1 failure, 2 usage. */
@Command(name = "infrakit", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
        description = "Declarative, self-healing infrastructure: InfraKit groups kept converged from etcd.",
        subcommands = {UpCommand.class, GroupCommand.class, LeaderCommand.class, SyncCommand.class, PluginCommand.class,
                InstanceCommand.class, FlavorCommand.class, EnvCommand.class, VersionCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return 1;
        });
        return cli.execute(args);
    }
}
