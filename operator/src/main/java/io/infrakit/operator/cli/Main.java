package io.infrakit.operator.cli;

import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code infrakit} command line. Exit codes: 0 ok, 1 failure, 2 usage (a command may add its own, such as 3 for
 * "differences found"; its help lists them).
 */
@Command(name = "infrakit", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
        description = "Declarative, self-healing infrastructure: InfraKit groups kept converged from etcd.",
        subcommands = {UpCommand.class, GroupCommand.class, WaitCommand.class, EventsCommand.class,
                LeaderCommand.class, SyncCommand.class, PluginCommand.class, InstanceCommand.class,
                FlavorCommand.class, EnvCommand.class, CompletionCommand.class, InstallManCommand.class,
                VersionCommand.class, Main.HelpCommand.class, CompleteCommand.class, CdsTrainingCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:ok", "1:failure (the message says why)", "2:usage error (a hint says where to look)"})
public final class Main {

    /** The exit code of a usage error. */
    static final int USAGE = 2;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** The whole command tree, every command with --help and the same error handling. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        helpEverywhere(cli.getCommandSpec());
        cli.setParameterExceptionHandler(Main::usageError);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof UsageError) {
                return usage(cmd, e.getMessage());
            }
            cmd.getErr().println("error: " + message(e));
            return 1;
        });
        return cli;
    }

    private static void helpEverywhere(CommandSpec spec) {
        if (spec.optionsMap().get("--help") == null) {
            spec.mixinStandardHelpOptions(true);
        }
        spec.subcommands().values().forEach(sub -> helpEverywhere(sub.getCommandSpec()));
    }

    /** One line saying what is wrong, one saying where help is: not the whole usage page. */
    private static int usageError(ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        if (e instanceof UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
            err.println("error: " + e.getMessage() + " (did you mean " + String.join(" or ", u.getSuggestions())
                    + "?)");
        } else {
            err.println("error: " + e.getMessage());
        }
        err.println("Run '" + cmd.getCommandSpec().qualifiedName() + " --help' for usage.");
        return USAGE;
    }

    private static int usage(CommandLine cmd, String message) {
        cmd.getErr().println("error: " + message);
        cmd.getErr().println("Run '" + cmd.getCommandSpec().qualifiedName() + " --help' for usage.");
        return USAGE;
    }

    /** What went wrong in the user's words: a missing file is named as such, not as a Java exception. */
    static String message(Throwable e) {
        if (e instanceof NoSuchFileException f) {
            return "no such file: " + f.getFile();
        }
        if (e instanceof AccessDeniedException f) {
            return "permission denied: " + f.getFile();
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    /** {@code infrakit help [COMMAND...]}: the help of any command, at any depth ({@code help group commit}). */
    @Command(name = "help", helpCommand = true, description = "Show the help of a command: infrakit help group commit.")
    static final class HelpCommand implements Runnable {

        @CommandLine.Parameters(paramLabel = "COMMAND", arity = "0..*", description = "The command, e.g. group commit.")
        List<String> words = List.of();

        @CommandLine.Spec
        CommandSpec spec;

        @Override
        public void run() {
            CommandLine cmd = spec.parent().commandLine();
            for (String w : words) {
                CommandLine sub = cmd.getSubcommands().get(w);
                if (sub == null) {
                    throw new ParameterException(spec.commandLine(), "no command '" + w + "' in '"
                            + cmd.getCommandSpec().qualifiedName() + "'; its commands: "
                            + String.join(", ", cmd.getSubcommands().keySet()));
                }
                cmd = sub;
            }
            cmd.usage(cmd.getOut());
        }
    }
}
