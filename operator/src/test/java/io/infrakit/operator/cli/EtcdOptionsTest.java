package io.infrakit.operator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infrakit.store.StoreConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** How the etcd options become client settings; the password never comes from the command line. */
class EtcdOptionsTest {

    @TempDir
    Path dir;

    @CommandLine.Command(name = "probe")
    static final class Probe {
        @CommandLine.Mixin
        EtcdOptions etcd;
    }

    private EtcdOptions parse(Map<String, String> env, String... args) {
        Probe p = new Probe();
        new CommandLine(p).parseArgs(args);
        p.etcd.environment = env::get;
        return p.etcd;
    }

    @Test
    void passwordFromAFileWithoutItsNewline() throws Exception {
        Path pw = Files.writeString(dir.resolve("pw"), "s3cret\r\n");
        StoreConfig c = parse(Map.of(), "--etcd", "https://10.0.0.1:2379", "--etcd-user", "ops",
                "--etcd-password-file", pw.toString()).storeConfig();
        assertThat(c.user()).isEqualTo("ops");
        assertThat(c.password()).isEqualTo("s3cret");
        assertThat(c.toString()).doesNotContain("s3cret");
    }

    @Test
    void passwordFromTheEnvironmentWhenThereIsNoFile() {
        StoreConfig c = parse(Map.of(EtcdOptions.PASSWORD_ENV, "from-env"), "--etcd", "https://10.0.0.1:2379",
                "--etcd-user", "ops").storeConfig();
        assertThat(c.password()).isEqualTo("from-env");
    }

    @Test
    void certificatesTurnOnTls() throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.crt"), "x");
        Path cert = Files.writeString(dir.resolve("c.crt"), "x");
        Path key = Files.writeString(dir.resolve("c.key"), "x");
        StoreConfig c = parse(Map.of(), "--etcd", "10.0.0.1:2379", "--etcd-cacert", ca.toString(),
                "--etcd-cert", cert.toString(), "--etcd-key", key.toString()).storeConfig();
        assertThat(c.tls()).isTrue();
        assertThat(c.caCert()).isEqualTo(ca);
        assertThat(c.clientCert()).isEqualTo(cert);
        assertThat(c.clientKey()).isEqualTo(key);
        assertThat(c.user()).isNull();
    }

    @Test
    void aPasswordInTheUrlIsRefusedWithAPointerAndNotPrinted() {
        assertThatThrownBy(() -> parse(Map.of(), "--etcd", "https://127.0.0.1:1,https://ops:s3cret@10.0.0.1:2379")
                .storeConfig()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("https://***@10.0.0.1:2379").hasMessageContaining("--etcd-user")
                .hasMessageContaining("--etcd-password-file").hasMessageNotContaining("s3cret");
    }

    @Test
    void aPasswordOverPlaintextToAnotherHostNeedsAllowPlaintext() throws Exception {
        Map<String, String> env = Map.of(EtcdOptions.PASSWORD_ENV, "pw");
        assertThatThrownBy(() -> parse(env, "--etcd", "http://127.0.0.1:2379,http://10.0.0.1:2379",
                "--etcd-user", "ops").storeConfig()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("in plaintext to http://10.0.0.1:2379").hasMessageContaining("https://")
                .hasMessageContaining("--allow-plaintext");
        assertThatThrownBy(() -> parse(env, "--etcd", "etcd-1:2379", "--etcd-user", "ops").storeConfig())
                .hasMessageContaining("--allow-plaintext");

        assertThat(parse(env, "--etcd", "http://10.0.0.1:2379", "--etcd-user", "ops", "--allow-plaintext")
                .storeConfig().password()).isEqualTo("pw");
        assertThat(parse(env, "--etcd", "http://localhost:2379,http://127.0.0.2:2379,http://[::1]:2379",
                "--etcd-user", "ops").storeConfig().password()).as("loopback never leaves the host").isEqualTo("pw");
        Path ca = Files.writeString(dir.resolve("ca.crt"), "x");
        assertThat(parse(env, "--etcd", "http://10.0.0.1:2379", "--etcd-user", "ops", "--etcd-cacert",
                ca.toString()).storeConfig().tls()).as("TLS whatever the scheme says").isTrue();
        assertThat(parse(Map.of(), "--etcd", "http://10.0.0.1:2379").storeConfig().user())
                .as("no password, nothing to protect").isNull();
    }

    @Test
    void mistakesAreNamed() throws Exception {
        assertThatThrownBy(() -> parse(Map.of(EtcdOptions.PASSWORD_ENV, "p"), "--etcd", "h:1").storeConfig())
                .hasMessageContaining("without --etcd-user");
        assertThatThrownBy(() -> parse(Map.of(), "--etcd", "h:1", "--etcd-cacert", dir.resolve("nope").toString())
                .storeConfig()).hasMessageContaining("cannot read --etcd-cacert").hasMessageContaining("no such file");
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        assertThatThrownBy(() -> parse(Map.of(), "--etcd", "h:1", "--etcd-user", "u", "--etcd-password-file",
                empty.toString()).storeConfig()).hasMessageContaining("is empty");
        assertThat(new CommandLine(new Probe()).setErr(new java.io.PrintWriter(java.io.Writer.nullWriter()))
                .execute("--etcd-password", "p")).as("no password flag").isEqualTo(2);
    }
}
