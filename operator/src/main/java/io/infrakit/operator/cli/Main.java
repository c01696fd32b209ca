package io.infrakit.operator.cli;

import java.io.PrintWriter;
import java.lang.reflect.Field;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code infrakit} command line. Exit codes: 0 ok, 1 failure, 2 usage (a command may add its own, such as 3 for
 * "differences found"; its help lists them).
 */
@Command(name = Main.NAME, mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
        description = "Declarative, self-healing infrastructure: InfraKit groups kept converged from etcd.",
        subcommands = {UpCommand.class, GroupCommand.class, WaitCommand.class, EventsCommand.class,
                LeaderCommand.class, SyncCommand.class, PluginCommand.class, InstanceCommand.class,
                FlavorCommand.class, EnvCommand.class, CompletionCommand.class, InstallManCommand.class,
                VersionCommand.class, Main.HelpCommand.class, CompleteCommand.class, CdsTrainingCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:ok", "1:failure (the message says why)", "2:usage error (a hint says where to look)"})
public final class Main {

    static final String NAME = "infrakit";

    /** The exit code of a usage error. */
    static final int USAGE = 2;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        return commandLine(args).execute(args);
    }

    /** The whole command tree, every command with --help and the same error handling. */
    static CommandLine commandLine() {
        return handled(new CommandLine(new Main()));
    }

    /**
     * The tree that runs these arguments. When they start with the words of a command ({@code group ls ...}), only
     * that command is built in full, under bare parents: picocli reads the annotations of every command it builds,
     * and reading all forty of them was most of a short command's start. Anything else (no command named, the help
     * command) gets the whole tree. Options of a parent can only come before its subcommand's word, so a bare parent
     * never has to parse one; but a parent whose options its subcommands inherit ({@code sync}'s plugin directory) is
     * built in full, with its few subcommands, so that they get them.
     */
    static CommandLine commandLine(String... args) {
        List<Class<?>> path = new ArrayList<>();
        Class<?> at = Main.class;
        for (String arg : args) {
            Class<?> sub = subcommand(at, arg);
            if (sub == null) {
                break;
            }
            path.add(sub);
            at = sub;
        }
        if (path.isEmpty() || at.getAnnotation(Command.class).helpCommand()) {
            return commandLine();
        }
        int full = path.size() - 1;
        for (int i = full - 1; i >= 0; i--) {
            if (passesOptionsDown(path.get(i))) {
                full = i;
            }
        }
        CommandSpec spec = CommandSpec.forAnnotatedObject(path.get(full));
        for (int i = full; i >= 0; i--) {
            Class<?> parent = i == 0 ? Main.class : path.get(i - 1);
            Command command = parent.getAnnotation(Command.class);
            CommandSpec bare = CommandSpec.wrapWithoutInspection(i == 0 ? new Main() : parent)
                    .name(command.name()).aliases(command.aliases());
            bare.addSubcommand(path.get(i).getAnnotation(Command.class).name(), spec);
            spec = bare;
        }
        return handled(new CommandLine(spec));
    }

    /** The subcommand of {@code parent} named {@code word} (or aliased so), or null. */
    private static Class<?> subcommand(Class<?> parent, String word) {
        for (Class<?> sub : parent.getAnnotation(Command.class).subcommands()) {
            Command c = sub.getAnnotation(Command.class);
            if (c.name().equals(word) || List.of(c.aliases()).contains(word)) {
                return sub;
            }
        }
        return null;
    }

    /** Whether the command declares an option that its subcommands inherit, itself or through a mixin. */
    private static boolean passesOptionsDown(Class<?> type) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                Option option = f.getAnnotation(Option.class);
                if (option != null && option.scope() == ScopeType.INHERIT
                        || f.isAnnotationPresent(Mixin.class) && passesOptionsDown(f.getType())) {
                    return true;
                }
            }
        }
        return false;
    }

    private static CommandLine handled(CommandLine cli) {
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
