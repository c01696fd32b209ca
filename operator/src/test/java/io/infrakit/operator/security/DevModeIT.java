package io.infrakit.operator.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.infrakit.operator.groupsocket.CliProcess;
import io.infrakit.operator.groupsocket.ShortTempDir;
import io.infrakit.plugins.state.PrivateFiles;
import io.infrakit.store.testing.Await;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code infrakit up} with no {@code --etcd}, as the README's first command runs it, with only {@code HOME} set: its
 * etcd must serve the user who started it (the CLI without a flag, {@code etcdctl} after
 * {@code eval "$(infrakit env)"}) and nobody else, whatever a second local user tries.
 */
@Timeout(300)
class DevModeIT {

    private static final Pattern STARTED = Pattern.compile("dev mode: started etcd at (\\S+) ");
    private static final String SPEC = "{\"ID\":\"web\",\"Properties\":{\"Allocation\":{\"Size\":2},"
            + "\"Instance\":{\"Plugin\":\"instance-file\",\"Properties\":{}},"
            + "\"Flavor\":{\"Plugin\":\"flavor-vanilla\",\"Properties\":{\"Init\":[\"echo hi\"]}}}}";

    @TempDir(factory = ShortTempDir.class)
    Path dir;

    @Test
    void theDevEtcdServesOnlyTheUserWhoStartedIt() throws Exception {
        Path home = Files.createDirectory(dir.resolve("home"));
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x")); // as homes often are
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> env = Map.of("HOME", home.toString());
        Path infrakit = home.resolve(".infrakit");
        Path pki = infrakit.resolve("etcd/pki");
        Path spec = Files.writeString(dir.resolve("web.json"), SPEC);

        CliProcess.Result none = CliProcess.run(dir.resolve("env-none.log"), env, "env");
        assertThat(none.exitCode()).isEqualTo(1);
        assertThat(none.output()).contains("error: no etcd to point at");

        String endpoint;
        byte[] ca;
        try (CliProcess up = CliProcess.start(dir.resolve("up.log"), env, "up", "--id", "dev", "--http", "off")) {
            endpoint = started(up);
            assertThat(endpoint).startsWith("https://127.0.0.1:");
            assertThat(up.output()).contains("only this user can reach it").contains("eval \"$(infrakit env)\"");
            for (Path d : List.of(infrakit, infrakit.resolve("etcd"), pki)) {
                assertThat(Files.getPosixFilePermissions(d)).as(d.toString()).isEqualTo(PrivateFiles.DIRECTORY);
            }
            try (Stream<Path> files = Files.list(pki)) {
                assertThat(files.toList()).hasSize(5).allSatisfy(f ->
                        assertThat(Files.getPosixFilePermissions(f)).as(f.toString()).isEqualTo(PrivateFiles.FILE));
            }
            ca = Files.readAllBytes(pki.resolve("ca.crt"));

            // The user's own CLI finds it, certificate and all, with no flag.
            CliProcess.Result commit = CliProcess.run(dir.resolve("commit.log"), env, "group", "commit",
                    spec.toString());
            assertThat(commit.exitCode()).as(commit.output()).isZero();

            // etcdctl, after exactly the lines 'infrakit env' prints, as the README's tutorial does.
            CliProcess.Result lines = CliProcess.run(dir.resolve("env.log"), env, "env");
            assertThat(lines.exitCode()).as(lines.output()).isZero();
            assertThat(lines.output()).contains("export ETCDCTL_ENDPOINTS=" + endpoint + "\n",
                    "export ETCDCTL_CACERT=" + pki.resolve("ca.crt") + "\n",
                    "export ETCDCTL_CERT=" + pki.resolve("client.crt") + "\n",
                    "export ETCDCTL_KEY=" + pki.resolve("client.key") + "\n", "unset ETCDCTL_USER\n");
            String eval = lines.output();
            Await.until(Duration.ofSeconds(60), "web converged, read with etcdctl", () ->
                    shell(dir, eval + "etcdctl get --print-value-only /infrakit/status/web").contains(
                            "\"Observed\":2"));
            assertThat(up.output()).contains("dev mode: no spec policy: every spec is acted on as written");
            assertThat(shell(dir, eval + "etcdctl put /infrakit/groups/probe '{}' && echo wrote")).contains("wrote");
            try (Stream<Path> files = Files.list(infrakit.resolve("instances/file"))) {
                assertThat(files.filter(f -> !f.getFileName().toString().startsWith(".")).toList()).hasSize(2);
            }

            attackAsAnotherUser(endpoint, pki, spec, eval);
            up.term(); // its shutdown stops the etcd it started, which a kill -9 would leave running
            assertThat(up.awaitExit(Duration.ofSeconds(30))).isTrue();
        }

        // Started again on the same home: the same keys, the same data.
        try (CliProcess again = CliProcess.start(dir.resolve("again.log"), env, "up", "--id", "dev2", "--http",
                "off")) {
            String second = started(again);
            assertThat(Files.readAllBytes(pki.resolve("ca.crt"))).isEqualTo(ca);
            CliProcess.Result ls = CliProcess.run(dir.resolve("ls.log"), env, "group", "ls");
            assertThat(ls.exitCode()).as(ls.output()).isZero();
            assertThat(ls.output()).contains("web");
            assertThat(second).startsWith("https://");
        }
    }

    /** A dev etcd that outlived its {@code up} (a failed test killed it): ours, under this test's directory. */
    @AfterEach
    void stopLeftoverEtcd() {
        String mine = "--data-dir=" + dir;
        ProcessHandle.allProcesses().filter(p -> Stream.of(p.info().arguments().orElse(new String[0]))
                .anyMatch(a -> a.startsWith(mine))).forEach(ProcessHandle::destroy);
    }

    /** What another local user can do with the dev etcd: nothing. */
    private void attackAsAnotherUser(String endpoint, Path pki, Path spec, String eval) throws Exception {
        OtherUser other = OtherUser.require();
        Files.setPosixFilePermissions(spec, PosixFilePermissions.fromString("rw-r--r--"));
        String plain = endpoint.replace("https://", "http://");

        OtherUser.Result overHttp = other.run("etcdctl", "--endpoints=" + plain, "--dial-timeout=2s",
                "--command-timeout=3s", "put", "/infrakit/groups/evil", "{}");
        assertThat(overHttp.code()).as("plaintext: " + overHttp.output()).isNotZero();
        OtherUser.Result noCertificate = other.run("etcdctl", "--endpoints=" + endpoint, "--insecure-skip-tls-verify",
                "--dial-timeout=2s", "--command-timeout=3s", "put", "/infrakit/groups/evil", "{}");
        assertThat(noCertificate.code()).as("TLS without the certificate: " + noCertificate.output()).isNotZero();
        OtherUser.Result steal = other.run("cat", pki.resolve("client.key").toString());
        assertThat(steal.code()).isNotZero();
        assertThat(steal.output()).contains("Permission denied").doesNotContain("PRIVATE KEY");
        OtherUser.Result list = other.run("ls", pki.getParent().getParent().toString());
        assertThat(list.code()).as("the home is private: " + list.output()).isNotZero();

        Optional<String> peer = peerUrl(pki);
        assertThat(peer).as("the dev etcd's peer URL").isPresent();
        assertThat(peer.get()).startsWith("https://");
        if (Files.isExecutable(Path.of("/usr/bin/curl"))) {
            OtherUser.Result members = other.run("/usr/bin/curl", "-sSk", "--max-time", "3", peer.get() + "/members");
            assertThat(members.code()).as("peer port: " + members.output()).isNotZero();
            assertThat(members.output()).doesNotContain("peerURLs");
        }

        assertThat(shell(dir, eval + "etcdctl get --keys-only --prefix /infrakit/groups/")).doesNotContain("evil");
    }

    /** The peer URL the dev etcd listens on, from its command line. */
    private static Optional<String> peerUrl(Path pki) {
        String dataDir = "--data-dir=" + pki.getParent().resolve("data");
        return ProcessHandle.allProcesses().map(p -> p.info().arguments().orElse(new String[0]))
                .filter(args -> List.of(args).contains(dataDir)).flatMap(Stream::of)
                .filter(a -> a.startsWith("--listen-peer-urls=")).map(a -> a.substring(a.indexOf('=') + 1))
                .findFirst();
    }

    private static String started(CliProcess up) {
        return Await.value(Duration.ofSeconds(90), "the dev etcd started", () -> {
            assertThat(up.isAlive()).as("up exited: " + up.output()).isTrue();
            String out = up.output();
            Matcher m = STARTED.matcher(out);
            return m.find() && out.contains("etcdctl put ") ? m.group(1) : null;
        });
    }

    /** Runs a script in bash, as a user types it; its output and errors together. */
    private static String shell(Path dir, String script) {
        try {
            Process p = new ProcessBuilder("bash", "-c", script).directory(dir.toFile()).redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            return out;
        } catch (IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e.toString();
        }
    }
}
