package io.infrakit.operator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code infrakit env} for a named etcd: lines a shell runs as they are, the password read, never printed. */
class EnvCommandTest {

    @TempDir
    Path dir;

    @Test
    void linesForANamedEtcdWithUserAndPasswordFile() throws Exception {
        Path ca = Files.writeString(dir.resolve("it's ca.crt"), "x");
        Path password = Files.writeString(dir.resolve("pw"), "s3cret\n");
        String lines = run("env", "--etcd", "https://10.0.0.1:2379,https://10.0.0.2:2379", "--etcd-cacert",
                ca.toString(), "--etcd-user", "ops", "--etcd-password-file", password.toString());

        assertThat(lines).contains("export ETCDCTL_ENDPOINTS=https://10.0.0.1:2379,https://10.0.0.2:2379\n",
                "export ETCDCTL_CACERT='" + dir + "/it'\\''s ca.crt'\n", "unset ETCDCTL_CERT\n",
                "unset ETCDCTL_KEY\n", "export ETCDCTL_USER=ops\n",
                "export ETCDCTL_PASSWORD=\"$(cat " + password + ")\"\n").doesNotContain("s3cret");

        Process shell = new ProcessBuilder("bash", "-c", lines + "echo \"$ETCDCTL_CACERT|$ETCDCTL_PASSWORD\"")
                .redirectErrorStream(true).start();
        assertThat(new String(shell.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .isEqualTo(ca + "|s3cret\n");
    }

    private static String run(String... args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            assertThat(Main.run(args)).isZero();
        } finally {
            System.setOut(saved);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
