package io.infrakit.operator.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.infrakit.operator.Keys;
import io.infrakit.operator.group.GroupStatus;
import io.infrakit.operator.metrics.MeteredOperator;
import io.infrakit.operator.testing.InProcessCli;
import io.infrakit.plugins.PluginRegistry;
import io.infrakit.store.StoreConfig;
import io.infrakit.store.etcd.EtcdServer;
import io.infrakit.store.etcd.EtcdStore;
import io.infrakit.store.testing.Await;
import io.infrakit.store.testing.TestCertificates;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An etcd that requires TLS client certificates and users, with a user whose role grants only the operator's
 * prefix (as docs/operations.md sets it up): the CLI and a replica work with the right credentials and fail
 * clearly, without printing the password, with wrong ones.
 */
class SecureEtcdIT {

    private static final String PREFIX = "/ik";
    private static final String PASSWORD = "correct-horse-7";
    private static final String WRONG = "wrong-battery-9";
    private static final String ROOT_PASSWORD = "root-staple-3";

    @TempDir
    static Path dir;

    private static TestCertificates certs;
    private static EtcdServer etcd;

    @BeforeAll
    static void secureEtcd() throws Exception {
        certs = TestCertificates.create(dir.resolve("pki"));
        etcd = EtcdServer.builder("secure", dir.resolve("data"))
                .tls(new EtcdServer.Tls(certs.serverCert(), certs.serverKey(), certs.ca()))
                .fastTimings(true).build();
        etcd.start();
        etcdctl("user", "add", "root", "--new-user-password=" + ROOT_PASSWORD);
        etcdctl("user", "grant-role", "root", "root");
        etcdctl("role", "add", "infrakit");
        etcdctl("role", "grant-permission", "infrakit", "--prefix=true", "readwrite", PREFIX + "/");
        etcdctl("user", "add", "infrakit", "--new-user-password=" + PASSWORD);
        etcdctl("user", "grant-role", "infrakit", "infrakit");
        // A spec author as docs/security.md grants one, with and without read access to the policy.
        for (String role : List.of("author", "author-blind")) {
            etcdctl("role", "add", role);
            etcdctl("role", "grant-permission", role, "--prefix=true", "readwrite", PREFIX + "/groups/");
            etcdctl("role", "grant-permission", role, "--prefix=true", "readwrite", PREFIX + "/free/");
            etcdctl("role", "grant-permission", role, "--prefix=true", "readwrite", PREFIX + "/pause/");
            etcdctl("role", "grant-permission", role, "--prefix=true", "readwrite", PREFIX + "/history/");
            etcdctl("role", "grant-permission", role, "--prefix=true", "readwrite", PREFIX + "/events/");
            etcdctl("role", "grant-permission", role, "--prefix=true", "readwrite", PREFIX + "/event-seq/");
            etcdctl("role", "grant-permission", role, "--prefix=true", "read", PREFIX + "/status/");
            etcdctl("role", "grant-permission", role, "--prefix=true", "read", PREFIX + "/sync/");
            etcdctl("user", "add", role, "--new-user-password=" + PASSWORD);
            etcdctl("user", "grant-role", role, role);
        }
        etcdctl("role", "grant-permission", "author", "read", PREFIX + "/policy");
        // A sync job as docs/security.md grants one.
        etcdctl("role", "add", "sync");
        for (String d : List.of("groups", "history", "sync", "events", "event-seq")) {
            etcdctl("role", "grant-permission", "sync", "--prefix=true", "readwrite", PREFIX + "/" + d + "/");
        }
        etcdctl("role", "grant-permission", "sync", "read", PREFIX + "/policy");
        etcdctl("user", "add", "sync", "--new-user-password=" + PASSWORD);
        etcdctl("user", "grant-role", "sync", "sync");
        etcdctl("role", "add", "policy-admin");
        etcdctl("role", "grant-permission", "policy-admin", "readwrite", PREFIX + "/policy");
        etcdctl("user", "add", "policy-admin", "--new-user-password=" + PASSWORD);
        etcdctl("user", "grant-role", "policy-admin", "policy-admin");
        etcdctl("auth", "enable");
        Files.writeString(dir.resolve("password"), PASSWORD + "\n");
        Files.writeString(dir.resolve("wrong"), WRONG + "\n");
    }

    @AfterAll
    static void stop() {
        if (etcd != null) {
            etcd.close();
        }
    }

    @Test
    void rightCredentialsWorkForTheCliAndAReplica() throws Exception {
        Path spec = dir.resolve("web.json");
        Files.writeString(spec, "{\"ID\":\"web\",\"Properties\":{\"Allocation\":{\"Size\":2},"
                + "\"Instance\":{\"Plugin\":\"instance-file\",\"Properties\":{}},"
                + "\"Flavor\":{\"Plugin\":\"flavor-vanilla\",\"Properties\":{\"Init\":[\"echo hi\"]}}}}");
        InProcessCli.Run commit = infrakit(List.of("group", "commit", spec.toString()), secure("password"));
        assertThat(commit.exitCode()).as(commit.toString()).isZero();

        StoreConfig config = StoreConfig.builder().endpoints(etcd.clientUrl()).caCert(certs.ca())
                .clientCert(certs.clientCert(), certs.clientKey()).credentials("infrakit", PASSWORD).build();
        try (MeteredOperator op = new MeteredOperator(new EtcdStore(config), new Keys(PREFIX),
                PluginRegistry.builtins(dir.resolve("files")), "secure-1").start()) {
            Await.until(Duration.ofSeconds(10), "leads", op.replica::isLeader);
            Await.until(Duration.ofSeconds(15), "web converged", () -> op.store.get(new Keys(PREFIX).status("web"))
                    .flatMap(kv -> GroupStatus.fromJson(kv.value())).filter(s -> s.converged() && s.observed() == 2)
                    .isPresent());
        }
        InProcessCli.Run ls = infrakit(List.of("group", "ls"), secure("password"));
        assertThat(ls.exitCode()).as(ls.toString()).isZero();
        assertThat(ls.out()).contains("web").contains("converged");
    }

    @Test
    void onlyAnAdministratorWritesThePolicyAndASpecAuthorsCommitsAreCheckedAgainstIt() throws Exception {
        Path spec = dir.resolve("cloud.json");
        Files.writeString(spec, "{\"ID\":\"cloud\",\"Properties\":{\"Allocation\":{\"Size\":1},"
                + "\"Instance\":{\"Plugin\":\"instance-cloud\",\"Properties\":{}},"
                + "\"Flavor\":{\"Plugin\":\"flavor-vanilla\",\"Properties\":{}}}}");
        String policy = "{\"Default\":{\"Plugins\":{\"Instance\":[\"instance-file\"]}}}";
        assertThat(etcdctlAs("author", "put", PREFIX + "/policy", "{}")).contains("permission denied");
        try {
            assertThat(etcdctlAs("policy-admin", "put", PREFIX + "/policy", policy)).contains("OK");
            InProcessCli.Run refused = infrakit(List.of("group", "commit", spec.toString()), as("author"));
            assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(1);
            assertThat(refused.err()).startsWith("Refused by the spec policy (etcd key " + PREFIX + "/policy (revision")
                    .contains("Instance.Plugin instance-cloud is not in Plugins.Instance");

            InProcessCli.Run blind = infrakit(List.of("group", "commit", spec.toString()), as("author-blind"));
            assertThat(blind.exitCode()).isEqualTo(1);
            assertThat(blind.err()).contains("cannot read the spec policy at " + PREFIX + "/policy")
                    .contains("needs read access to it");

            Path source = Files.createDirectories(dir.resolve("source"));
            Files.copy(spec, source.resolve("cloud.json"));
            InProcessCli.Run synced = infrakit(List.of("sync", "--dir", source.toString(), "--name", "specs"),
                    as("sync"));
            assertThat(synced.exitCode()).isEqualTo(1);
            assertThat(synced.out()).contains("cloud.json:1: group 'cloud': Refused by the spec policy");

            Files.writeString(spec, Files.readString(spec).replace("instance-cloud", "instance-file"));
            InProcessCli.Run admitted = infrakit(List.of("group", "commit", spec.toString(), "--file-dir",
                    dir.resolve("author-files").toString()), as("author"));
            assertThat(admitted.exitCode()).as(admitted.toString()).isZero();
            // The author's commit is in the events log, as the roles let it write there.
            InProcessCli.Run events = infrakit(List.of("events", "cloud"), as("author"));
            assertThat(events.exitCode()).as(events.toString()).isZero();
            assertThat(events.out()).contains("committed");
            Files.copy(spec, source.resolve("cloud.json"), StandardCopyOption.REPLACE_EXISTING);
            InProcessCli.Run adopted = infrakit(List.of("sync", "--dir", source.toString(), "--name", "specs",
                    "--file-dir", dir.resolve("sync-files").toString()), as("sync"));
            assertThat(adopted.exitCode()).as(adopted.toString()).isZero();
        } finally {
            etcdctlAs("policy-admin", "del", PREFIX + "/policy");
            etcdctl("--user=root:" + ROOT_PASSWORD, "del", PREFIX + "/groups/cloud");
        }
    }

    @Test
    void wrongPasswordIsAClearAuthenticationErrorThatDoesNotPrintIt() {
        InProcessCli.Run run = infrakit(List.of("group", "ls"), secure("wrong"));
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("error: ").contains(etcd.clientUrl()).contains("authentication failed");
        assertThat(run.out() + run.err()).doesNotContain(WRONG).doesNotContain(PASSWORD);
    }

    @Test
    void aPasswordInTheUrlIsRefusedAndNeverPrinted() {
        List<String> args = new ArrayList<>(secure("password"));
        args.set(args.indexOf(etcd.clientUrl()), etcd.clientUrl().replace("://", "://infrakit:" + PASSWORD + "@"));
        args.subList(args.indexOf("--etcd-user"), args.size()).clear();
        InProcessCli.Run run = infrakit(List.of("group", "ls"), args);
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("https://***@127.0.0.1:" + etcd.clientPort())
                .contains("--etcd-user USER with --etcd-password-file FILE");
        assertThat(run.out() + run.err()).doesNotContain(PASSWORD);
    }

    @Test
    void theRoleGrantsOnlyThePrefix() {
        List<String> args = new ArrayList<>(secure("password"));
        args.set(args.indexOf(PREFIX), "/other");
        InProcessCli.Run run = infrakit(List.of("group", "ls"), args);
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("not allowed").contains("permission denied");
        assertThat(run.out() + run.err()).doesNotContain(PASSWORD);
    }

    @Test
    void missingPiecesAreNamed() {
        List<String> noCert = new ArrayList<>(secure("password"));
        int at = noCert.indexOf("--etcd-cert");
        noCert.subList(at, at + 4).clear(); // --etcd-cert C --etcd-key K
        InProcessCli.Run run = infrakit(List.of("group", "ls"), withTimeout(noCert));
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains(etcd.clientUrl());

        List<String> noPassword = new ArrayList<>(secure("password"));
        at = noPassword.indexOf("--etcd-password-file");
        noPassword.subList(at, at + 2).clear();
        run = infrakit(List.of("group", "ls"), noPassword);
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--etcd-user infrakit needs a password")
                .contains("--etcd-password-file").contains("INFRAKIT_ETCD_PASSWORD");

        List<String> halfPair = new ArrayList<>(secure("password"));
        at = halfPair.indexOf("--etcd-key");
        halfPair.subList(at, at + 2).clear();
        run = infrakit(List.of("group", "ls"), halfPair);
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--etcd-cert and --etcd-key go together");
    }

    private static List<String> secure(String passwordFile) {
        return List.of("--etcd", etcd.clientUrl(), "--prefix", PREFIX,
                "--etcd-cacert", certs.ca().toString(),
                "--etcd-cert", certs.clientCert().toString(), "--etcd-key", certs.clientKey().toString(),
                "--etcd-user", "infrakit", "--etcd-password-file", dir.resolve(passwordFile).toString());
    }

    /** The options of {@link #secure} as another user with the same password. */
    private static List<String> as(String user) {
        List<String> args = new ArrayList<>(secure("password"));
        args.set(args.indexOf("infrakit"), user);
        return args;
    }

    /** etcdctl as {@code user}: its output, whatever its exit code. */
    private static String etcdctlAs(String user, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("etcdctl", "--endpoints=" + etcd.clientUrl(),
                "--cacert=" + certs.ca(), "--cert=" + certs.clientCert(), "--key=" + certs.clientKey(),
                "--user=" + user + ":" + PASSWORD));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    private static List<String> withTimeout(List<String> args) {
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of("--etcd-timeout", "2s"));
        return all;
    }


    private static InProcessCli.Run infrakit(List<String> command, List<String> options) {
        List<String> all = new ArrayList<>(command);
        all.addAll(options);
        return InProcessCli.run(all.toArray(String[]::new));
    }

    private static void etcdctl(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("etcdctl", "--endpoints=" + etcd.clientUrl(),
                "--cacert=" + certs.ca(), "--cert=" + certs.clientCert(), "--key=" + certs.clientKey()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + ": " + out).isZero();
    }
}
