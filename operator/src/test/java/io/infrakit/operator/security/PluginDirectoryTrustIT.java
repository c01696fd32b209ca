package io.infrakit.operator.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.infrakit.operator.Keys;
import io.infrakit.operator.groupsocket.CliProcess;
import io.infrakit.operator.groupsocket.ShortTempDir;
import io.infrakit.operator.group.GroupStatus;
import io.infrakit.store.etcd.EtcdStore;
import io.infrakit.store.testing.EtcdCluster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second OS user plants plugin sockets for the operator to call: in a plugin directory every user may write
 * ({@code chmod 1777}), and as a socket of its own in a private directory. The operator must send it nothing: an
 * instance plugin receives {@code Instance.Provision} with the spec's init script, secrets included.
 */
@Timeout(240)
class PluginDirectoryTrustIT {

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.single();

    private static final String SECRET = "s3cret-token-41";
    private static final String SPEC = "{\"ID\":\"web\",\"Properties\":{\"Allocation\":{\"Size\":1},"
            + "\"Instance\":{\"Plugin\":\"instance-cloud\",\"Properties\":{}},"
            + "\"Flavor\":{\"Plugin\":\"flavor-vanilla\",\"Properties\":{\"Init\":[\"export TOKEN=" + SECRET
            + "\"]}}}}";

    @TempDir(factory = ShortTempDir.class)
    Path dir;

    private Process planted;

    @AfterEach
    void stopPlanted() {
        if (planted != null) {
            // runuser waits for the plugin as its child: killing runuser alone would leave the plugin running.
            planted.descendants().forEach(ProcessHandle::destroyForcibly);
            planted.destroyForcibly();
        }
    }

    @Test
    void aWorldWritablePluginDirectoryIsRefusedAndItsPlantedSocketsGetNothing() throws Exception {
        OtherUser other = OtherUser.require();
        OtherUser.traversable(dir);
        Path plugins = Files.createDirectory(dir.resolve("plugins"));
        chmod("1777", plugins);
        Path capture = other.directory(dir.resolve("other")).resolve("capture");
        planted = other.plant(dir.resolve("other"), capture, plugins.resolve("instance-cloud"),
                plugins.resolve("group"));
        Keys keys = commit("trust-open");

        CliProcess.Result refused = CliProcess.run(dir.resolve("refused.log"), Map.of("INFRAKIT_HOME",
                dir.resolve("home").toString()), up(keys, plugins));

        assertThat(refused.exitCode()).as(refused.output()).isEqualTo(1);
        assertThat(refused.output()).contains("error: the plugin directory " + plugins + " is writable by every user")
                .contains("chmod 700").contains("--allow-foreign-plugins");
        assertThat(captured(capture)).isEmpty();

        // The same operator, told to accept the directory, hands the planted socket the init script: the attack
        // that the refusal stops is real.
        try (CliProcess allowed = CliProcess.start(dir.resolve("allowed.log"), Map.of("INFRAKIT_HOME",
                dir.resolve("home").toString()), append(up(keys, plugins), "--allow-foreign-plugins"))) {
            await("the planted plugin provisioned; operator:\n" + allowed.output()).atMost(Duration.ofSeconds(90))
                    .until(() -> captured(capture).contains("Instance.Provision"));
            assertThat(captured(capture)).contains(SECRET);
        }
    }

    @Test
    void aSocketOfAnotherUserInAPrivateDirectoryIsNotCalled() throws Exception {
        OtherUser other = OtherUser.require();
        OtherUser.traversable(dir);
        Path plugins = Files.createDirectory(dir.resolve("plugins"));
        Path otherDir = other.directory(dir.resolve("other"));
        Path capture = otherDir.resolve("capture");
        planted = other.plant(otherDir, capture, otherDir.resolve("s"));
        Files.move(otherDir.resolve("s"), plugins.resolve("instance-cloud")); // still the other user's socket
        Keys keys = commit("trust-foreign");

        try (CliProcess up = CliProcess.start(dir.resolve("up.log"), Map.of("INFRAKIT_HOME",
                dir.resolve("home").toString()), up(keys, plugins));
             EtcdStore store = ETCD.newStore()) {
            GroupStatus status = await("web in error; operator:\n" + up.output()).atMost(Duration.ofSeconds(90)).until(
                    () -> store.get(keys.status("web")).flatMap(kv -> GroupStatus.fromJson(kv.value()))
                            .filter(s -> s.error() != null).orElse(null), Objects::nonNull);
            assertThat(status.error().message())
                    .contains("plugin socket " + plugins.resolve("instance-cloud") + " belongs to user '"
                            + OtherUser.NAME + "' (uid " + other.uid() + ")")
                    .contains("not used").doesNotContain(SECRET);
            assertThat(status.observed()).as("unknown: the plugin is not used").isNull();
            assertThat(captured(capture)).isEmpty();
        }
    }

    private Keys commit(String name) {
        Keys keys = new Keys(EtcdCluster.uniquePrefix(name));
        try (EtcdStore store = ETCD.newStore()) {
            store.put(keys.group("web"), SPEC);
        }
        return keys;
    }

    private static String[] up(Keys keys, Path plugins) {
        return new String[] {"up", "--etcd", ETCD.endpoints().get(0), "--prefix", keys.prefix(), "--id", "r1",
                "--plugins-dir", plugins.toString(), "--http", "off", "--lease-ttl", "2s"};
    }

    private static String[] append(String[] args, String more) {
        String[] all = Arrays.copyOf(args, args.length + 1);
        all[args.length] = more;
        return all;
    }

    private static String captured(Path capture) {
        try {
            return Files.exists(capture) ? Files.readString(capture, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static void chmod(String mode, Path path) throws IOException, InterruptedException {
        assertThat(new ProcessBuilder("chmod", mode, path.toString()).inheritIO().start().waitFor()).isZero();
    }
}
