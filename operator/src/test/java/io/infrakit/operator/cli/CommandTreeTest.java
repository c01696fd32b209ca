package io.infrakit.operator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The tree built for one command's arguments behaves as the whole tree does for them. */
class CommandTreeTest {

    @Test
    void everyCommandHasTheSameHelpInItsOwnTreeAsInTheWholeTree() {
        List<List<String>> paths = new ArrayList<>();
        collect(Main.commandLine(), new ArrayList<>(), paths);
        assertThat(paths).hasSizeGreaterThan(25);
        for (List<String> path : paths) {
            CommandLine whole = find(Main.commandLine(), path);
            CommandLine own = find(Main.commandLine(path.toArray(String[]::new)), path);
            assertThat(own.getUsageMessage()).as("help of %s", path).isEqualTo(whole.getUsageMessage());
            assertThat(own.getCommandSpec().qualifiedName()).isEqualTo(whole.getCommandSpec().qualifiedName());
            assertThat(own.getSubcommands().keySet()).isEqualTo(whole.getSubcommands().keySet());
        }
    }

    @Test
    void onlyTheNamedCommandIsBuilt() {
        CommandLine tree = Main.commandLine("group", "ls", "--etcd", "http://127.0.0.1:1");
        assertThat(tree.getSubcommands().keySet()).containsExactly("group");
        assertThat(tree.getSubcommands().get("group").getSubcommands().keySet()).containsExactly("ls");
        // Without a command's word, or for the help command, the whole tree.
        assertThat(Main.commandLine("--help").getSubcommands()).containsKeys("group", "up", "sync", "plugin");
        assertThat(Main.commandLine("help", "group", "ls").getSubcommands()).containsKeys("group", "up");
        // A parent's option before its subcommand's word: the parent is built in full.
        assertThat(Main.commandLine("sync", "--dir", "x", "status").getSubcommands().get("sync").getSubcommands())
                .containsKey("status");
        // A parent whose options its subcommands inherit is built in full, so that they get them.
        CommandLine status = Main.commandLine("sync", "status").getSubcommands().get("sync").getSubcommands()
                .get("status");
        assertThat(status.getCommandSpec().optionsMap()).containsKey("--plugins-dir");
    }

    @Test
    void usageErrorsAndHelpReadTheSameThroughThePrunedTree() {
        String[][] cases = {
                {"group", "ls", "--nope"},
                {"group", "commit"},
                {"group", "ls", "--help"},
                {"group", "--help"},
                {"group", "lls"},
                {"sync", "status", "--help"},
                {"plugin", "start", "--name"},
        };
        for (String[] args : cases) {
            assertThat(run(Main.commandLine(args), args)).as(String.join(" ", args))
                    .isEqualTo(run(Main.commandLine(), args));
        }
    }

    private static Map.Entry<Integer, String> run(CommandLine cli, String[] args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return Map.entry(code, out + "|" + err);
    }

    private static void collect(CommandLine cmd, List<String> path, List<List<String>> out) {
        cmd.getSubcommands().forEach((name, sub) -> {
            if (!sub.getCommandName().equals(name)) {
                return; // an alias
            }
            List<String> p = new ArrayList<>(path);
            p.add(name);
            out.add(p);
            collect(sub, p, out);
        });
    }

    private static CommandLine find(CommandLine root, List<String> path) {
        CommandLine at = root;
        for (String word : path) {
            at = at.getSubcommands().get(word);
        }
        return at;
    }
}
