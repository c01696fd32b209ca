package io.infrakit.operator.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.infrakit.operator.Keys;
import io.infrakit.operator.group.GroupRouting;
import io.infrakit.operator.group.GroupStatus;
import io.infrakit.operator.group.SpecValidator;
import io.infrakit.operator.groupsocket.CliProcess;
import io.infrakit.operator.groupsocket.EtcdGroupPlugin;
import io.infrakit.operator.groupsocket.GroupSocket;
import io.infrakit.operator.groupsocket.ShortTempDir;
import io.infrakit.operator.policy.AdmissionPolicy;
import io.infrakit.operator.sync.DirectorySource;
import io.infrakit.operator.sync.SourceLimits;
import io.infrakit.operator.sync.SyncOptions;
import io.infrakit.operator.sync.SyncResult;
import io.infrakit.operator.sync.Syncer;
import io.infrakit.operator.testing.InProcessCli;
import io.infrakit.plugins.PluginRegistry;
import io.infrakit.plugins.group.GroupSpecs;
import io.infrakit.plugins.rpc.PluginAddress;
import io.infrakit.plugins.rpc.RemoteGroupPlugin;
import io.infrakit.plugins.rpc.RpcClient;
import io.infrakit.store.etcd.EtcdStore;
import io.infrakit.store.testing.EtcdCluster;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A spec is code on the operator's host. Each attack is first shown to work without a policy (as it did before
 * there was one), then refused by the production default or a policy, before any plugin call: a status error that
 * names the rule, no instance, no fetch, no connection; and refused by the write paths before anything is written.
 */
@Timeout(180)
class SpecPolicyIT {

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.single();

    private static final AdmissionPolicy NONE = AdmissionPolicy.none("no policy");
    private static final AdmissionPolicy DEFAULT = AdmissionPolicy.restricted("the built-in default");

    @TempDir
    Path dir;
    @TempDir(factory = ShortTempDir.class)
    Path sockets;

    private HttpServer probe;
    private final AtomicInteger probed = new AtomicInteger();

    @AfterEach
    void stopProbe() {
        if (probe != null) {
            probe.stop(0);
        }
    }

    static String spec(String id, String allocation, String instance, String instanceProps, String flavor,
                       String flavorProps) {
        return "{\"ID\":\"" + id + "\",\"Properties\":{\"Allocation\":" + allocation + ","
                + "\"Instance\":{\"Plugin\":\"" + instance + "\",\"Properties\":" + instanceProps + "},"
                + "\"Flavor\":{\"Plugin\":\"" + flavor + "\",\"Properties\":" + flavorProps + "}}}";
    }

    private PluginRegistry builtins(String name) {
        return PluginRegistry.builtins(dir.resolve(name).resolve("files"), dir.resolve(name).resolve("processes"));
    }

    /** An internal service on the loopback that counts who asks it anything. */
    private String internalService() throws IOException {
        probe = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        probe.createContext("/", exchange -> {
            probed.incrementAndGet();
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        probe.start();
        return "http://127.0.0.1:" + probe.getAddress().getPort() + "/internal/admin";
    }

    @Test
    void aProcessGroupsInitRunsOnThisHostOnlyWhereThePolicyAllowsIt() throws Exception {
        Path marker = dir.resolve("x");
        String spec = spec("p", "{\"Size\":1}", "process", "{}", "vanilla",
                "{\"Init\":[\"id > " + marker + "\",\"sleep 600\"]}");

        // The attack: without a policy the init line runs here, as the operator's user.
        try (PolicyOperator open = new PolicyOperator(ETCD, "open", builtins("open"), NONE)) {
            open.put("p", "process", spec);
            await("the init line ran").atMost(Duration.ofSeconds(30)).until(() -> read(marker).startsWith("uid="));
        }
        Files.delete(marker);

        try (PolicyOperator op = new PolicyOperator(ETCD, "closed", builtins("closed"), DEFAULT)) {
            op.put("p", "process", spec);
            GroupStatus refused = op.awaitError("p", "Refused");
            assertThat(refused.error().message()).isEqualTo("Refused by the spec policy (the built-in default, rule"
                    + " default): Instance.Plugin process: runs the flavor's init script on this host as the"
                    + " operator's user (Commands is false)");
            assertThat(op.instances("p")).isEmpty();

            // An administrator allows exactly those commands, for that group: they run.
            op.writePolicy("{\"Rules\":[{\"Name\":\"ops\",\"Groups\":[\"p\"],\"Commands\":[\"id > " + dir
                    + "/*\",\"sleep *\"]}]}");
            op.awaitStatus("p", "converged", GroupStatus::converged);
            await("the allowed command ran").atMost(Duration.ofSeconds(20)).until(() -> Files.exists(marker));
            String running = op.instances("p").get(0).id();

            // Closed again: the running instance is left alone, and nothing else is done for the group.
            op.writePolicy("{}");
            assertThat(op.awaitError("p", "Refused").error().message()).startsWith("Refused by the spec policy"
                    + " (etcd key " + op.keys.policy() + " (revision ");
            assertThat(op.instances("p")).extracting(d -> d.id()).containsExactly(running);
        }
    }

    @Test
    void aTemplateUrlOnTheLoopbackIsNotFetchedUnlessAllowed() throws Exception {
        String url = internalService();
        String spec = spec("sw", "{\"LogicalIDs\":[\"10.0.0.1\"]}", "file", "{}", "swarm/manager",
                "{\"InitScriptTemplateURL\":\"" + url + "\",\"Docker\":{\"Host\":\"unix:///var/run/docker.sock\"}}");

        // The attack: the operator asks an internal service and reports its answer in the status.
        try (PolicyOperator open = new PolicyOperator(ETCD, "open", builtins("open"), NONE)) {
            open.put("sw", "file", spec);
            assertThat(open.awaitError("sw", "answered HTTP 404").error().message()).contains(url);
            assertThat(probed.get()).isPositive();
        }
        probed.set(0);

        try (PolicyOperator op = new PolicyOperator(ETCD, "closed", builtins("closed"), DEFAULT)) {
            op.put("sw", "file", spec);
            assertThat(op.awaitError("sw", "Refused").error().message()).isEqualTo("Refused by the spec policy (the"
                    + " built-in default, rule default): Flavor.Properties.InitScriptTemplateURL: " + url + ": 127.0.0.1"
                    + " is an internal address (loopback, link-local or cloud metadata) and InternalAddresses is"
                    + " false");
            String shadow = spec.replace(url, "file:///etc/shadow").replace("\"sw\"", "\"sh\"");
            op.put("sh", "file", shadow);
            assertThat(op.awaitError("sh", "Refused").error().message()).contains("Flavor.Properties."
                    + "InitScriptTemplateURL: file:///etc/shadow: scheme file: is not in URLs.Schemes");
            pauseForResyncs();
            assertThat(probed.get()).isZero();
            assertThat(op.instances("sw")).isEmpty();
            assertThat(op.instances("sh")).isEmpty();
        }
    }

    @Test
    void aHostFileNamedAsATemplateIsNotCopiedIntoInstancesUnlessAllowed() throws Exception {
        Path secret = Files.writeString(dir.resolve("secret"), "root:$6$not-a-real-hash:19000:0:99999:7:::\n");
        String spec = spec("v", "{\"Size\":1}", "file", "{}", "vanilla",
                "{\"InitScriptTemplateURL\":\"" + secret.toUri() + "\"}");

        // The attack: the file, whatever it is, becomes the init script in the instance record.
        try (PolicyOperator open = new PolicyOperator(ETCD, "open", builtins("open"), NONE)) {
            open.put("v", "file", spec);
            open.awaitStatus("v", "converged", GroupStatus::converged);
            assertThat(records(dir.resolve("open/files"))).contains("not-a-real-hash");
        }

        try (PolicyOperator op = new PolicyOperator(ETCD, "closed", builtins("closed"), DEFAULT)) {
            op.put("v", "file", spec);
            assertThat(op.awaitError("v", "Refused").error().message()).contains("scheme file: is not in"
                    + " URLs.Schemes");
            assertThat(records(dir.resolve("closed/files"))).doesNotContain("not-a-real-hash");
            assertThat(op.instances("v")).isEmpty();
        }
    }

    @Test
    void aDockerHostElsewhereIsNotConnectedToUnlessListed() throws Exception {
        AtomicInteger connections = new AtomicInteger();
        try (ServerSocket endpoint = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread accept = new Thread(() -> {
                while (!endpoint.isClosed()) {
                    try {
                        endpoint.accept().close(); // counted, then hung up on
                        connections.incrementAndGet();
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "endpoint");
            accept.setDaemon(true);
            accept.start();
            String host = "tcp://127.0.0.1:" + endpoint.getLocalPort();
            String spec = spec("m", "{\"LogicalIDs\":[\"10.0.0.1\"]}", "file", "{}", "swarm/manager",
                    "{\"Docker\":{\"Host\":\"" + host + "\"}}");

            // The attack: the operator connects wherever Docker.Host says.
            try (PolicyOperator open = new PolicyOperator(ETCD, "open", builtins("open"), NONE)) {
                open.put("m", "file", spec);
                await("a connection to " + host).atMost(Duration.ofSeconds(30)).until(() -> connections.get() > 0);
            }
            // A connection the open operator began before it closed may still be accepted: wait for quiet.
            int before;
            do {
                before = connections.get();
                Thread.sleep(1000);
            } while (connections.get() != before);
            connections.set(0);

            try (PolicyOperator op = new PolicyOperator(ETCD, "closed", builtins("closed"), DEFAULT)) {
                op.put("m", "file", spec);
                assertThat(op.awaitError("m", "Refused").error().message()).contains("Flavor.Properties.Docker.Host:"
                        + " the Docker engine at " + host + " (an internal address; InternalAddresses is false) is"
                        + " not in DockerEngines");
                op.put("far", "file", spec.replace(host, "tcp://203.0.113.9:2375").replace("\"m\"", "\"far\""));
                assertThat(op.awaitError("far", "Refused").error().message()).contains("the Docker engine at"
                        + " tcp://203.0.113.9:2375 is not in DockerEngines");
                pauseForResyncs();
                assertThat(connections.get()).isZero();
            }
        }
    }

    @Test
    void theWritePathsRefuseBeforeWritingAndBeforeAnyFetch() throws Exception {
        String url = internalService();
        String spec = spec("w", "{\"LogicalIDs\":[\"10.0.0.1\"]}", "file", "{}", "swarm/manager",
                "{\"InitScriptTemplateURL\":\"" + url + "\",\"Docker\":{\"Host\":\"unix:///var/run/docker.sock\"}}");
        try (PolicyOperator op = new PolicyOperator(ETCD, "writes", builtins("writes"), DEFAULT);
             GroupSocket socket = GroupSocket.start(sockets, GroupSocket.DEFAULT_NAME, "r1",
                     new EtcdGroupPlugin(op.store, op.keys, op.plugins, op.admission, () -> true,
                             GroupRouting.DEFAULT, SpecValidator.DEFAULT_MAX_INSTANCES)).orElseThrow()) {
            // InfraKit's Group API on the group socket.
            RemoteGroupPlugin groups = new RemoteGroupPlugin(new RpcClient(new PluginAddress.Unix(socket.path())));
            assertThatThrownBy(() -> groups.commitGroup(GroupSpecs.parse(spec), false))
                    .hasMessageContaining("Refused by the spec policy (the built-in default, rule default): Flavor."
                            + "Properties.InitScriptTemplateURL: " + url + ": 127.0.0.1 is an internal address");

            // GitOps: nothing of the source is written.
            Path source = Files.createDirectories(dir.resolve("source"));
            Files.writeString(source.resolve("w.json"), spec);
            Files.writeString(source.resolve("ok.json"), spec("ok", "{\"Size\":1}", "file", "{}", "vanilla", "{}"));
            SyncResult synced = new Syncer(op.store, op.keys, new DirectorySource(source, SourceLimits.DEFAULT),
                    SyncOptions.of("specs"), op.plugins, op.admission, Clock.systemUTC()).sync(false);
            assertThat(synced.status()).isEqualTo(SyncResult.Status.FAILED);
            assertThat(synced.problems()).singleElement().asString().startsWith("w.json:1: group 'w': Refused by the"
                    + " spec policy");
            assertThat(op.store.get(op.keys.group("ok"))).isEmpty();

            // infrakit group commit on a real etcd, no --policy, nothing at <prefix>/policy: the built-in default.
            Files.writeString(dir.resolve("w.json"), spec);
            InProcessCli.Run commit = InProcessCli.run("group", "commit", dir.resolve("w.json").toString(), "--etcd",
                    ETCD.endpoints().get(0), "--prefix", op.keys.prefix(), "--file-dir", dir.resolve("cli").toString());
            assertThat(commit.exitCode()).as(commit.toString()).isEqualTo(1);
            assertThat(commit.err()).startsWith("Refused by the spec policy (the built-in default (no --policy,"
                    + " nothing at " + op.keys.policy() + "), rule default): Flavor.Properties.InitScriptTemplateURL");

            assertThat(op.store.get(op.keys.group("w"))).isEmpty();
            assertThat(probed.get()).isZero();

            // With a policy file that allows the host, the same commit goes through and asks the plugin.
            Path allow = Files.writeString(dir.resolve("allow.json"),
                    "{\"Default\":{\"URLs\":{\"Hosts\":[\"127.0.0.1\"]}}}");
            InProcessCli.Run allowed = InProcessCli.run("group", "commit", dir.resolve("w.json").toString(), "--etcd",
                    ETCD.endpoints().get(0), "--prefix", op.keys.prefix(), "--file-dir", dir.resolve("cli").toString(),
                    "--policy", allow.toString());
            assertThat(allowed.err()).contains("answered HTTP 404");
            assertThat(probed.get()).isPositive();
        }
    }

    @Test
    void aRollbackToASpecThatTodaysPolicyRefusesWritesNothing() throws Exception {
        Keys keys = new Keys(EtcdCluster.uniquePrefix("rollback"));
        String[] etcd = {"--etcd", ETCD.endpoints().get(0), "--prefix", keys.prefix()};
        Path commands = Files.writeString(dir.resolve("commands.json"), "{\"Default\":{\"Commands\":true}}");
        Path old = Files.writeString(dir.resolve("old.json"), spec("rb", "{\"Size\":1}", "process", "{}", "vanilla",
                "{\"Init\":[\"id > " + dir.resolve("ran") + "\"]}"));
        Path current = Files.writeString(dir.resolve("new.json"), spec("rb", "{\"Size\":1}", "file", "{}", "vanilla",
                "{}"));
        // Written while a policy allowed commands, then replaced by a spec the default allows.
        InProcessCli.Run first = InProcessCli.run(append(append(new String[] {"group", "commit", old.toString(),
            "--file-dir", dir.resolve("cli").toString(), "--process-dir", dir.resolve("proc").toString()}, etcd),
                "--policy", commands.toString()));
        assertThat(first.exitCode()).as(first.toString()).isZero();
        InProcessCli.Run second = InProcessCli.run(append(new String[] {"group", "commit", current.toString(),
            "--file-dir", dir.resolve("cli").toString()}, etcd));
        assertThat(second.exitCode()).as(second.toString()).isZero();

        try (EtcdStore store = ETCD.newStore()) {
            long written = store.get(keys.group("rb")).orElseThrow().modRevision();
            InProcessCli.Run refused = InProcessCli.run(append(new String[] {"group", "rollback", "rb"}, etcd));
            assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(1);
            assertThat(refused.err()).startsWith("Refused by the spec policy (the built-in default (no --policy,"
                    + " nothing at " + keys.policy() + "), rule default): Instance.Plugin process");
            assertThat(store.get(keys.group("rb")).orElseThrow().modRevision()).isEqualTo(written);

            InProcessCli.Run allowed = InProcessCli.run(append(new String[] {"group", "rollback", "rb", "--policy",
                commands.toString()}, etcd));
            assertThat(allowed.exitCode()).as(allowed.toString()).isZero();
            assertThat(store.get(keys.group("rb")).orElseThrow().value()).contains("\"process\"");
        }
    }

    @Test
    void aSpecForAGroupPluginThePolicyDoesNotNameIsNotWrittenNorShownToThePlugin() throws Exception {
        Keys keys = new Keys(EtcdCluster.uniquePrefix("delegated"));
        Path spec = Files.writeString(dir.resolve("d.json"), "{\"ID\":\"d\",\"Plugin\":\"their-group\","
                + "\"Properties\":{\"Allocation\":{\"Size\":1}}}");
        Path opsOnly = Files.writeString(dir.resolve("ops.json"), "{\"Default\":{\"Plugins\":{\"Group\":"
                + "[\"ops-*\"]}}}");
        // No plugin named their-group runs: a spec the policy admits would fail on asking it.
        InProcessCli.Run refused = InProcessCli.run("group", "commit", spec.toString(), "--etcd",
                ETCD.endpoints().get(0), "--prefix", keys.prefix(), "--plugins-dir", sockets.toString(), "--policy",
                opsOnly.toString());
        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(1);
        assertThat(refused.err()).startsWith("Refused by the spec policy (" + opsOnly + ", rule Default):"
                + " Group.Plugin their-group is not in Plugins.Group");
        InProcessCli.Run asked = InProcessCli.run("group", "commit", spec.toString(), "--etcd",
                ETCD.endpoints().get(0), "--prefix", keys.prefix(), "--plugins-dir", sockets.toString());
        assertThat(asked.exitCode()).isEqualTo(1);
        assertThat(asked.err()).doesNotContain("Refused").contains("their-group");
        try (EtcdStore store = ETCD.newStore()) {
            assertThat(store.get(keys.group("d"))).isEmpty();
        }
    }

    @Test
    void infrakitUpOnARealEtcdAppliesTheRestrictedDefaultAndRefusesAnUnusablePolicyFile() throws Exception {
        Map<String, String> env = Map.of("INFRAKIT_HOME", dir.resolve("home").toString());
        Keys keys = new Keys(EtcdCluster.uniquePrefix("up"));
        String[] up = {"up", "--etcd", ETCD.endpoints().get(0), "--prefix", keys.prefix(), "--id", "r1", "--http",
            "off", "--plugins-dir", sockets.toString(), "--lease-ttl", "2s"};

        Path typo = Files.writeString(dir.resolve("typo.json"), "{\"Default\":{\"Comands\":true}}");
        CliProcess.Result refused = CliProcess.run(dir.resolve("typo.log"), env, append(up, "--policy",
                typo.toString()));
        assertThat(refused.exitCode()).as(refused.output()).isEqualTo(1);
        assertThat(refused.output()).contains("error: policy " + typo + ": unknown field Default.Comands");

        Path marker = dir.resolve("ran");
        try (EtcdStore store = ETCD.newStore();
             CliProcess operator = CliProcess.start(dir.resolve("up.log"), env, up)) {
            store.put(keys.group("p"), spec("p", "{\"Size\":1}", "process", "{}", "vanilla",
                    "{\"Init\":[\"id > " + marker + "\"]}"));
            GroupStatus status = await("p refused; operator:\n" + operator.output()).atMost(Duration.ofSeconds(90)).until(() -> store.get(keys.status("p")).flatMap(kv -> GroupStatus.fromJson(kv.value()))
                            .filter(s -> s.error() != null).orElse(null), Objects::nonNull);
            assertThat(status.error().message()).isEqualTo("Refused by the spec policy (the built-in default (no"
                    + " --policy, nothing at " + keys.policy() + "), rule default): Instance.Plugin process: runs the"
                    + " flavor's init script on this host as the operator's user (Commands is false)");
            assertThat(operator.output()).contains("spec policy: the built-in default").doesNotContain("dev mode");
            assertThat(marker).doesNotExist();
        }
    }

    private static String[] append(String[] args, String... more) {
        String[] all = Arrays.copyOf(args, args.length + more.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return all;
    }

    /** Long enough for the controller to have looked at every group again a few times. */
    private static void pauseForResyncs() throws InterruptedException {
        Thread.sleep(2500);
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static String records(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return "";
        }
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                all.append(Files.readString(f, StandardCharsets.UTF_8));
            }
        }
        return all.toString();
    }
}
