package io.infrakit.operator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.operator.Keys;
import io.infrakit.operator.controller.Controller;
import io.infrakit.operator.controller.ControllerConfig;
import io.infrakit.operator.election.LeaderTerm;
import io.infrakit.operator.groupsocket.CliProcess;
import io.infrakit.operator.testing.InProcessCli;
import io.infrakit.plugins.PluginRegistry;
import io.infrakit.plugins.json.Json;
import io.infrakit.store.Store;
import io.infrakit.store.testing.EtcdCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The CLI's commands against a real etcd (and a controller, where a command waits for one): output, exit codes. */
@Timeout(180)
class CliCommandsIT {

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.single();

    @TempDir
    Path tmp;

    private Store store;
    private Keys keys;
    private Controller controller;

    private static final java.util.regex.Pattern LOG_LINE = java.util.regex.Pattern.compile("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} ");

    record Run(int code, String out, String err) {
        /**
         * The JSON printed. The test class path logs to stdout, and the controller in this JVM may log while a
         * command prints: its lines (they start with a time) are left out.
         */
        JsonNode json() {
            return Json.parse(out.lines().filter(l -> !LOG_LINE.matcher(l).lookingAt())
                    .collect(java.util.stream.Collectors.joining("\n")));
        }
    }

    @BeforeEach
    void setUp() {
        store = ETCD.newStore();
        keys = new Keys(EtcdCluster.uniquePrefix("cli"));
    }

    @AfterEach
    void tearDown() {
        if (controller != null) {
            controller.close();
        }
    }

    private void startController() {
        controller = new Controller(store, keys, PluginRegistry.builtins(tmp.resolve("files")),
                ControllerConfig.defaults().withResync(Duration.ofSeconds(30)));
        controller.start();
        await("synced").atMost(Duration.ofSeconds(10)).until(controller::isSynced);
        controller.lead(LeaderTerm.standalone());
    }

    private List<String> etcdArgs() {
        return List.of("--etcd", String.join(",", ETCD.endpoints()), "--prefix", keys.prefix());
    }

    /** Runs {@code infrakit ARGS --etcd ... --prefix ...} in this JVM. */
    private Run infrakit(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(etcdArgs());
        return raw(all.toArray(String[]::new));
    }

    private static Run raw(String... args) {
        InProcessCli.Run run = InProcessCli.run(args);
        return new Run(run.exitCode(), run.out(), run.err());
    }

    private Path spec(String id, int size) throws Exception {
        Path f = tmp.resolve(id + "-" + size + ".json");
        Files.writeString(f, "{\"ID\":\"" + id + "\",\"Properties\":{\"Allocation\":{\"Size\":" + size + "},"
                + "\"Instance\":{\"Plugin\":\"instance-file\",\"Properties\":{\"Note\":\"n\"}},"
                + "\"Flavor\":{\"Plugin\":\"flavor-vanilla\",\"Properties\":{\"Init\":[\"echo " + size + "\"]}}}}");
        return f;
    }

    @Test
    void getHistoryRollbackToARevisionAndEventsNameWhoWrote() throws Exception {
        assertThat(infrakit("group", "commit", spec("web", 1).toString()).code()).isZero();
        assertThat(infrakit("group", "commit", spec("web", 2).toString()).code()).isZero();
        assertThat(infrakit("group", "commit", spec("web", 3).toString()).code()).isZero();

        // get: exactly what etcd holds; as JSON and YAML.
        Run get = infrakit("group", "get", "web");
        assertThat(get.code()).isZero();
        assertThat(get.out()).endsWith(store.get(keys.group("web")).orElseThrow().value() + "\n");
        assertThat(infrakit("group", "get", "web", "-o", "json").json().at("/Properties/Allocation/Size").asInt())
                .isEqualTo(3);
        assertThat(infrakit("group", "get", "web", "-o", "yaml").out()).contains("Size: 3");
        Run missing = infrakit("group", "get", "nothere");
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).contains("'nothere' is not being watched");

        // history: three revisions, written by the CLI, by this user.
        JsonNode history = infrakit("group", "history", "web", "-o", "json").json();
        assertThat(history).hasSize(3);
        String user = System.getProperty("user.name");
        for (JsonNode h : history) {
            assertThat(h.path("Writer").asText()).isEqualTo("cli");
            assertThat(h.path("By").asText()).startsWith(user + "@");
            assertThat(h.path("Time").asText()).isNotEmpty();
        }
        assertThat(history.get(2).path("Current").asBoolean()).isTrue();
        long first = history.get(0).path("Revision").asLong();
        assertThat(infrakit("group", "history", "web").out()).contains("REVISION").contains("current");
        assertThat(infrakit("group", "get", "web", "--revision", Long.toString(first), "-o", "json").json()
                .at("/Properties/Allocation/Size").asInt()).isEqualTo(1);

        // rollback --to: the first spec, two commits back.
        Run rollback = infrakit("group", "rollback", "web", "--to", Long.toString(first));
        assertThat(rollback.code()).as(rollback.err()).isZero();
        assertThat(rollback.out()).contains("to the spec of revision " + first);
        assertThat(infrakit("group", "get", "web", "-o", "json").json().at("/Properties/Allocation/Size").asInt())
                .isEqualTo(1);
        Run unknown = infrakit("group", "rollback", "web", "--to", "999999");
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.err()).contains("No spec of web is recorded at revision 999999");
        assertThat(infrakit("group", "rollback", "web", "--to", "-3").code()).isEqualTo(2);

        // events: the commits and the rollback, with who made them, newest last.
        JsonNode events = infrakit("events", "web", "-o", "json").json();
        List<String> kinds = new ArrayList<>();
        events.forEach(e -> kinds.add(e.path("Kind").asText()));
        assertThat(kinds).containsExactly("commit", "commit", "commit", "rollback");
        assertThat(events.get(3).path("Actor").asText()).startsWith("cli " + user + "@");
        assertThat(infrakit("events", "--tail", "1").out()).contains("rollback").doesNotContain("commit");
    }

    @Test
    void waitExitCodesAndDiffAndDestroy() throws Exception {
        startController();
        assertThat(infrakit("group", "commit", spec("db", 2).toString()).code()).isZero();
        Run waited = infrakit("wait", "db", "--for", "converged", "--timeout", "60s");
        assertThat(waited.code()).as(waited.err()).isZero();
        assertThat(waited.out()).contains("db: converged, 2 of 2 instances");
        assertThat(infrakit("wait", "nothere").code()).isEqualTo(1);
        assertThat(infrakit("wait", "db", "--for", "deleted", "--timeout", "1s").code())
                .isEqualTo(WaitCommand.TIMED_OUT);

        assertThat(infrakit("group", "diff", spec("db", 2).toString()).code()).isZero();
        Run diff = infrakit("group", "diff", spec("db", 4).toString());
        assertThat(diff.code()).isEqualTo(GroupDiffCommand.DIFFERENT);
        assertThat(diff.out()).contains("Size");

        Run destroy = infrakit("group", "destroy", "db", "-o", "json");
        assertThat(destroy.json().path("Action").asText()).isEqualTo("destroy");
        assertThat(infrakit("wait", "db", "--for", "deleted", "--timeout", "60s").code()).isZero();
        List<String> kinds = new ArrayList<>();
        await("the controller's events").atMost(Duration.ofSeconds(10)).until(() -> {
            kinds.clear();
            infrakit("events", "db", "-o", "json").json().forEach(e -> kinds.add(e.path("Kind").asText()));
            return kinds.contains("delete") && kinds.stream().filter("destroy"::equals).count() == 2;
        });
        assertThat(kinds).contains("commit", "provision", "state");
    }

    @Test
    void usageErrorsAreOneLineWithAHintAndExitTwo() {
        Run bogus = infrakit("group", "ls", "--bogus");
        assertThat(bogus.code()).isEqualTo(2);
        assertThat(bogus.err().lines()).containsExactly("error: Unknown option: '--bogus'",
                "Run 'infrakit group ls --help' for usage.");
        Run url = raw("group", "ls", "--etcd", "foo://nowhere");
        assertThat(url.code()).isEqualTo(2);
        assertThat(url.err().lines().count()).isEqualTo(2);
        assertThat(url.err()).contains("bad etcd endpoint");
        assertThat(raw("group", "ls", "--help").code()).isZero();
        assertThat(raw("group", "ls", "--help").out()).startsWith("Usage: infrakit group ls");
        assertThat(raw("help", "group", "commit").out()).startsWith("Usage: infrakit group commit");
        assertThat(raw("help", "group", "nothing").code()).isEqualTo(2);
        Run file = infrakit("group", "commit", tmp.resolve("nothere.json").toString());
        assertThat(file.code()).isEqualTo(1);
        assertThat(file.err()).contains("no such file: " + tmp.resolve("nothere.json"));
    }

    @Test
    void aTypoInASpecIsRefusedWithDidYouMeanUnlessAllowed() throws Exception {
        Path typo = tmp.resolve("typo.json");
        Files.writeString(typo, Files.readString(spec("web", 2)).replace("\"Size\"", "\"Sise\"")
                .replace("\"Init\"", "\"Intt\""));
        Run refused = infrakit("group", "commit", typo.toString());
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err()).contains("Properties.Allocation.Sise (did you mean Size?)")
                .contains("Properties.Flavor.Properties.Intt (did you mean Init?)").contains("--allow-unknown-keys");
        assertThat(store.get(keys.group("web"))).as("nothing written").isEmpty();

        Path extra = tmp.resolve("extra.json");
        Files.writeString(extra, Files.readString(spec("web", 2)).replace("\"Init\"", "\"Intt\""));
        Run allowed = infrakit("group", "commit", "--allow-unknown-keys", "-o", "json", extra.toString());
        assertThat(allowed.code()).as(allowed.err()).isZero();
        assertThat(allowed.err()).contains("warning: unknown key Properties.Flavor.Properties.Intt");
        assertThat(allowed.json().path("UnknownKeys").get(0).asText())
                .isEqualTo("Properties.Flavor.Properties.Intt (did you mean Init?)");
        assertThat(store.get(keys.group("web")).orElseThrow().value()).contains("\"Intt\"");

        Path bad = tmp.resolve("bad.json");
        Files.writeString(bad, "{\n  \"ID\": \"web\",\n  \"Properties\": {\"Allocation\": {\"Size\": 1}\n    \"Instance\": {}\n}\n");
        Run malformed = infrakit("group", "commit", bad.toString());
        assertThat(malformed.code()).isEqualTo(1);
        assertThat(malformed.err().strip()).isEqualTo("Invalid spec: group spec is not valid JSON: unexpected '\"': "
                + "was expecting comma to separate Object entries at line 4, column 5");
    }

    @Test
    void jsonOutputUsesInfraKitsCasing() throws Exception {
        infrakit("group", "commit", spec("api", 1).toString());
        JsonNode ls = infrakit("group", "ls", "-o", "json").json();
        assertThat(ls.get(0).fieldNames()).toIterable().containsExactly("ID", "Desired", "Observed", "State",
                "Error");
        assertThat(infrakit("group", "pause", "api", "-o", "json").json().path("ID").asText()).isEqualTo("api");
        JsonNode plugins = raw("plugin", "ls", "-o", "json", "--plugins-dir", tmp.resolve("none").toString())
                .json();
        assertThat(plugins).anySatisfy(p -> {
            assertThat(p.path("Name").asText()).isEqualTo("instance-file");
            assertThat(p.path("BuiltIn").asBoolean()).isTrue();
        });
        assertThat(raw("plugin", "ls", "--plugins-dir", tmp.resolve("none").toString()).out())
                .contains("(built in)");
        JsonNode version = raw("version", "-o", "json").json();
        assertThat(version.fieldNames()).toIterable().containsExactlyInAnyOrder("Version", "Java");
    }

    @Test
    void completionAsksEtcdForGroupIdsAndManPagesInstall() throws Exception {
        infrakit("group", "commit", spec("alpha", 1).toString());
        infrakit("group", "commit", spec("beta", 1).toString());
        Run script = raw("completion", "bash");
        assertThat(script.out()).contains("_complete_infrakit").contains("($(_infrakit_dynamic groups))")
                .doesNotContain(Completions.marker("groups"));
        assertThat(infrakit("__complete", "groups").out().lines()).containsExactly("alpha", "beta");

        // The script in a real bash: TAB after 'group describe' offers the group IDs from etcd.
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path self = bin.resolve("infrakit");
        Files.writeString(self, "#!/bin/sh\nexec " + Path.of(System.getProperty("java.home"), "bin", "java")
                + " -XX:TieredStopAtLevel=1 -cp '" + io.infrakit.operator.testing.ClasspathSnapshot.get()
                + "' io.infrakit.operator.cli.Main \"$@\"\n");
        self.toFile().setExecutable(true);
        Path completion = tmp.resolve("completion.bash");
        Files.writeString(completion, script.out());
        String line = "infrakit group describe --etcd " + String.join(",", ETCD.endpoints()) + " --prefix "
                + keys.prefix() + " ";
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", "source " + completion + "; COMP_LINE='" + line
                + "'; read -ra COMP_WORDS <<< \"$COMP_LINE\"; COMP_WORDS+=(''); COMP_CWORD=$((${#COMP_WORDS[@]}-1));"
                + " _complete_infrakit 2>/dev/null; printf '%s\\n' \"${COMPREPLY[@]}\"");
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        Process p = pb.redirectErrorStream(true).start();
        String offered = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        assertThat(offered.lines()).contains("alpha", "beta");

        Run man = raw("install-man", tmp.resolve("man").toString());
        assertThat(man.code()).as(man.err()).isZero();
        assertThat(tmp.resolve("man/man1/infrakit-group-commit.1")).exists();
        assertThat(Files.readString(tmp.resolve("man/man1/infrakit-wait.1")))
                .contains("How long to wait (default 5m).");
    }

    @Test
    void watchRedrawsOnChangeFromAnEtcdWatch() throws Exception {
        List<String> args = new ArrayList<>(List.of("group", "ls", "-w", "-o", "json"));
        args.addAll(etcdArgs());
        List<String> events = new ArrayList<>(List.of("events", "-w", "-o", "json"));
        events.addAll(etcdArgs());
        try (CliProcess ls = CliProcess.start(tmp.resolve("ls.log"), Map.of(), args.toArray(String[]::new));
             CliProcess follow = CliProcess.start(tmp.resolve("events.log"), Map.of(),
                     events.toArray(String[]::new))) {
            await("the first drawing: " + ls.output()).atMost(Duration.ofSeconds(60)).until(
                    () -> ls.output().lines().anyMatch(l -> l.equals("[]")));
            Thread.sleep(1000); // the follower is set up too
            infrakit("group", "commit", spec("web", 1).toString());
            await("redrawn with web: " + ls.output()).atMost(Duration.ofSeconds(30)).until(
                    () -> ls.output().lines().anyMatch(l -> l.contains("\"ID\":\"web\"")));
            await("the commit followed: " + follow.output()).atMost(Duration.ofSeconds(30)).until(
                    () -> follow.output().lines().anyMatch(l -> l.contains("\"Kind\":\"commit\"")));
            long drawings = ls.output().lines().filter(l -> l.startsWith("[")).count();
            await("no redraw without a change").during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3))
                    .untilAsserted(() -> assertThat(ls.output().lines().filter(l -> l.startsWith("[")).count())
                            .isEqualTo(drawings));
        }
    }
}
