package io.infrakit.operator.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.infrakit.operator.group.GroupStatus;
import io.infrakit.operator.testing.InProcessCli;
import io.infrakit.store.testing.EtcdCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keys that nothing reads (typos InfraKit ignores), against a real etcd and the built-in file and vanilla plugins:
 * a spec put straight into etcd still converges and its status names them; {@code group commit} refuses them with a
 * did-you-mean unless told {@code --allow-unknown-keys}.
 */
class UnknownKeysIT {

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.single();

    @TempDir
    Path dir;

    private static String typos(String id) {
        return "{\"ID\":\"" + id + "\",\"Properties\":{\"Allocation\":{\"Size\":1,\"Sise\":2},"
                + "\"Instance\":{\"Plugin\":\"instance-file\",\"Properties\":{\"Note\":\"x\"}},"
                + "\"Flavor\":{\"Plugin\":\"flavor-vanilla\",\"Properties\":{\"Intt\":[\"echo hi\"]}}}}";
    }

    @Test
    void aRawPutConvergesAndItsStatusNamesTheUnknownKeys() throws Exception {
        try (OperatorFixture op = new OperatorFixture(ETCD, "unknown-keys", dir.resolve("files"),
                Duration.ofSeconds(5)).start()) {
            op.put("web", typos("web"));
            GroupStatus s = op.awaitConverged("web", 1);
            assertThat(s.warnings()).containsExactly("unknown keys Properties.Allocation.Sise (did you mean Size?), "
                    + "Properties.Flavor.Properties.Intt (did you mean Init?): ignored, as InfraKit does");

            InProcessCli.Run ls = cli(op, "group", "ls");
            assertThat(ls.out()).containsPattern("web +1 +1 +converged +- +warning: unknown keys "
                    + "Properties.Allocation.Sise");

            // Corrected: the warning goes.
            op.put("web", OperatorFixture.cattle("web", 1, "x"));
            op.awaitStatus("web", st -> st.warnings().isEmpty() && st.converged(), "web without warnings");
        }
    }

    @Test
    void groupCommitRefusesUnknownKeysWithADidYouMeanUnlessAllowed() throws Exception {
        try (OperatorFixture op = new OperatorFixture(ETCD, "commit-unknown", dir.resolve("files"),
                Duration.ofSeconds(5))) {
            Path spec = dir.resolve("web.json");
            Files.writeString(spec, typos("web").replace("\"Properties\":{\"Note\"", "\"Propertes\":{\"Note\""));

            InProcessCli.Run refused = cli(op, "group", "commit", spec.toString(), "--file-dir", files());
            assertThat(refused.exitCode()).isEqualTo(1);
            assertThat(refused.err()).contains("Invalid spec: unknown keys Properties.Allocation.Sise (did you mean "
                    + "Size?), Properties.Instance.Propertes (did you mean Properties?), "
                    + "Properties.Flavor.Properties.Intt (did you mean Init?); correct them, or commit with "
                    + "--allow-unknown-keys");
            assertThat(op.store.get(op.keys.group("web"))).isEmpty();

            InProcessCli.Run allowed = cli(op, "group", "commit", spec.toString(), "--file-dir", files(),
                    "--allow-unknown-keys");
            assertThat(allowed.exitCode()).as(allowed.err()).isZero();
            assertThat(op.store.get(op.keys.group("web"))).isPresent();
        }
    }

    private String files() {
        return dir.resolve("files").toString();
    }

    private InProcessCli.Run cli(OperatorFixture op, String... args) {
        String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.stream.Stream.of(
                "--etcd", String.join(",", ETCD.endpoints()), "--prefix", op.keys.prefix())).toArray(String[]::new);
        return InProcessCli.run(all);
    }
}
