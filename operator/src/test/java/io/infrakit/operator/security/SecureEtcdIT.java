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
        Run commit = infrakit(List.of("group", "commit", spec.toString()), secure("password"));
        assertThat(commit.code).as(commit.toString()).isZero();

        StoreConfig config = StoreConfig.builder().endpoints(etcd.clientUrl()).caCert(certs.ca())
                .clientCert(certs.clientCert(), certs.clientKey()).credentials("infrakit", PASSWORD).build();
        try (MeteredOperator op = new MeteredOperator(new EtcdStore(config), new Keys(PREFIX),
                PluginRegistry.builtins(dir.resolve("files")), "secure-1").start()) {
            Await.until(Duration.ofSeconds(10), "leads", op.replica::isLeader);
            Await.until(Duration.ofSeconds(15), "web converged", () -> op.store.get(new Keys(PREFIX).status("web"))
                    .flatMap(kv -> GroupStatus.fromJson(kv.value())).filter(s -> s.converged() && s.observed() == 2)
                    .isPresent());
        }
        Run ls = infrakit(List.of("group", "ls"), secure("password"));
        assertThat(ls.code).as(ls.toString()).isZero();
        assertThat(ls.out).contains("web").contains("converged");
    }

    @Test
    void wrongPasswordIsAClearAuthenticationErrorThatDoesNotPrintIt() {
        Run run = infrakit(List.of("group", "ls"), secure("wrong"));
        assertThat(run.code).isEqualTo(1);
        assertThat(run.err).contains("error: ").contains(etcd.clientUrl()).contains("authentication failed");
        assertThat(run.out + run.err).doesNotContain(WRONG).doesNotContain(PASSWORD);
    }

    @Test
    void aPasswordInTheUrlIsRefusedAndNeverPrinted() {
        List<String> args = new ArrayList<>(secure("password"));
        args.set(args.indexOf(etcd.clientUrl()), etcd.clientUrl().replace("://", "://infrakit:" + PASSWORD + "@"));
        args.subList(args.indexOf("--etcd-user"), args.size()).clear();
        Run run = infrakit(List.of("group", "ls"), args);
        assertThat(run.code).isEqualTo(2);
        assertThat(run.err).contains("https://***@127.0.0.1:" + etcd.clientPort())
                .contains("--etcd-user USER with --etcd-password-file FILE");
        assertThat(run.out + run.err).doesNotContain(PASSWORD);
    }

    @Test
    void theRoleGrantsOnlyThePrefix() {
        List<String> args = new ArrayList<>(secure("password"));
        args.set(args.indexOf(PREFIX), "/other");
        Run run = infrakit(List.of("group", "ls"), args);
        assertThat(run.code).isEqualTo(1);
        assertThat(run.err).contains("not allowed").contains("permission denied");
        assertThat(run.out + run.err).doesNotContain(PASSWORD);
    }

    @Test
    void missingPiecesAreNamed() {
        List<String> noCert = new ArrayList<>(secure("password"));
        int at = noCert.indexOf("--etcd-cert");
        noCert.subList(at, at + 4).clear(); // --etcd-cert C --etcd-key K
        Run run = infrakit(List.of("group", "ls"), withTimeout(noCert));
        assertThat(run.code).isEqualTo(1);
        assertThat(run.err).contains(etcd.clientUrl());

        List<String> noPassword = new ArrayList<>(secure("password"));
        at = noPassword.indexOf("--etcd-password-file");
        noPassword.subList(at, at + 2).clear();
        run = infrakit(List.of("group", "ls"), noPassword);
        assertThat(run.code).isEqualTo(2);
        assertThat(run.err).contains("--etcd-user infrakit needs a password")
                .contains("--etcd-password-file").contains("INFRAKIT_ETCD_PASSWORD");

        List<String> halfPair = new ArrayList<>(secure("password"));
        at = halfPair.indexOf("--etcd-key");
        halfPair.subList(at, at + 2).clear();
        run = infrakit(List.of("group", "ls"), halfPair);
        assertThat(run.code).isEqualTo(2);
        assertThat(run.err).contains("--etcd-cert and --etcd-key go together");
    }

    private static List<String> secure(String passwordFile) {
        return List.of("--etcd", etcd.clientUrl(), "--prefix", PREFIX,
                "--etcd-cacert", certs.ca().toString(),
                "--etcd-cert", certs.clientCert().toString(), "--etcd-key", certs.clientKey().toString(),
                "--etcd-user", "infrakit", "--etcd-password-file", dir.resolve(passwordFile).toString());
    }

    private static List<String> withTimeout(List<String> args) {
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of("--etcd-timeout", "2s"));
        return all;
    }

    private record Run(int code, String out, String err) {
    }

    private static Run infrakit(List<String> command, List<String> options) {
        List<String> all = new ArrayList<>(command);
        all.addAll(options);
        InProcessCli.Run run = InProcessCli.run(all.toArray(String[]::new));
        return new Run(run.exitCode(), run.out(), run.err());
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
