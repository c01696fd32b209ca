package io.infrakit.operator.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.model.Container;
import io.infrakit.operator.controller.ControllerConfig;
import io.infrakit.operator.group.GroupStatus;
import io.infrakit.plugins.testing.DockerEngine;
import io.infrakit.plugins.testing.TestImages;
import io.infrakit.store.testing.EtcdCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Groups of containers under a real controller and a real engine: killed containers come back through the engine's
 * events (the resync is a minute, so it cannot be what heals them), scaling removes containers, and a broken spec
 * leaves the running containers alone.
 */
@Tag("docker")
class DockerGroupIT {

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.single();

    private static final Duration RESYNC = Duration.ofSeconds(60);
    /** Half the resync: a replacement this soon came through the engine's events, however loaded the machine. */
    private static final Duration HEAL = RESYNC.dividedBy(2);
    private static String image;

    @TempDir
    Path dir;

    private DockerOperator op;

    @BeforeAll
    static void images() {
        image = TestImages.busybox(DockerEngine.client());
    }

    @AfterEach
    void tearDown() {
        if (op != null) {
            op.close();
        }
    }

    static String spec(String id, int size, String image) {
        return "{\"ID\":\"" + id + "\",\"Properties\":{\"Allocation\":{\"Size\":" + size + "},"
                + "\"Instance\":{\"Plugin\":\"docker\",\"Properties\":{\"Config\":{\"Image\":\"" + image + "\","
                + "\"Cmd\":[\"sleep\",\"600\"]},\"HostConfig\":{\"Init\":true}}},"
                + "\"Flavor\":{\"Plugin\":\"vanilla\",\"Properties\":{\"Init\":[\"echo ready\"]}}}}";
    }

    private Set<String> ids(String group) {
        return op.containers(group).stream().map(Container::getId).collect(Collectors.toSet());
    }

    @Test
    void killedContainersAreReplacedThroughEngineEvents() throws InterruptedException {
        op = new DockerOperator(ETCD, "web", dir, ControllerConfig.defaults().withResync(RESYNC));
        op.put("web", spec("web", 8, image));
        op.awaitConverged("web", Duration.ofSeconds(60), 8);
        Set<String> before = ids("web");
        assertThat(before).hasSize(8);

        // Past the crash-loop brake's window (a death within 10 s of a start is a quick exit, and is braked): these
        // are deaths of containers that ran, which are healed at once.
        Thread.sleep(11_000);
        List<String> victims = before.stream().sorted().limit(3).toList();
        long killed = System.nanoTime();
        victims.parallelStream().forEach(id -> op.docker.killContainerCmd(id).exec());
        await("3 replacements").atMost(HEAL).until(() -> {
            Set<String> now = ids("web");
            return now.size() == 8 && now.stream().noneMatch(victims::contains);
        });
        long healMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
        System.out.printf("docker group: 3 of 8 containers killed -> all replaced in %d ms%n", healMs);
        assertThat(healMs).as("healed by engine events, not the %s resync", RESYNC).isLessThan(HEAL.toMillis());
        assertThat(ids("web")).containsAll(before.stream().filter(id -> !victims.contains(id)).toList());
        op.awaitConverged("web", Duration.ofSeconds(20), 8);
    }

    @Test
    void scalingDownRemovesContainersAndABrokenSpecLeavesThemAlone() {
        op = new DockerOperator(ETCD, "scale", dir, ControllerConfig.defaults().withResync(RESYNC));
        op.put("api", spec("api", 4, image));
        op.put("other", spec("other", 1, image));
        op.awaitConverged("api", Duration.ofSeconds(60), 4);
        op.put("api", spec("api", 2, image));
        op.awaitConverged("api", Duration.ofSeconds(30), 2);
        await("2 containers left").atMost(Duration.ofSeconds(10)).until(() -> ids("api").size() == 2);
        Set<String> kept = ids("api");

        // No Config at all: the plugin rejects the spec; the containers and the other group are untouched.
        op.put("api", "{\"ID\":\"api\",\"Properties\":{\"Allocation\":{\"Size\":5},"
                + "\"Instance\":{\"Plugin\":\"docker\",\"Properties\":{\"Tags\":{}}},"
                + "\"Flavor\":{\"Plugin\":\"vanilla\",\"Properties\":{}}}}");
        GroupStatus broken = op.awaitStatus("api", Duration.ofSeconds(20), s -> s.error() != null, "error status");
        assertThat(broken.error().message()).contains("Config should be set");
        assertThat(ids("api")).isEqualTo(kept);
        op.awaitConverged("other", Duration.ofSeconds(30), 1);
    }
}
