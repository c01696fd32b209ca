package io.infrakit.plugins.vagrant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Frame;
import io.infrakit.plugins.group.Tags;
import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.spi.InstanceSpec;
import io.infrakit.plugins.spi.PluginException;
import io.infrakit.plugins.testing.DockerEngine;
import io.infrakit.plugins.testing.TestImages;
import io.infrakit.plugins.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The vagrant plugin with Debian's Vagrant and its docker provider on the test engine: machines are containers of a
 * busybox image built locally. Each {@code vagrant} command costs seconds, so the tests are few and do much.
 */
@Tag("heavy")
class VagrantInstancePluginIT {

    @TempDir
    Path dir;

    private DockerClient docker;
    private String image;
    private String run;
    private VagrantInstancePlugin plugin;

    @BeforeEach
    void start() {
        docker = DockerEngine.client();
        image = TestImages.busybox(docker);
        run = UUID.randomUUID().toString().substring(0, 8);
        plugin = new VagrantInstancePlugin(settings(Tools.vagrant().toString()));
    }

    private VagrantSettings settings(String binary) {
        return VagrantSettings.defaults(dir.resolve("machines")).withBinary(binary)
                .withStatusInterval(Duration.ofSeconds(1)).withEngineStatus(false) // vagrant status; the group
                // scenario (VagrantGroupIT) asks the engine
                .withEnvironment(Map.of("DOCKER_HOST", DockerEngine.host(),
                        "VAGRANT_HOME", dir.resolve("vagrant.d").toString()));
    }

    @AfterEach
    void stop() {
        if (plugin == null) {
            return;
        }
        plugin.close();
        try { // each vagrant command and how long it took, in the test's output
            Files.readAllLines(plugin.log()).stream().filter(l -> l.startsWith("===")).forEach(System.out::println);
        } catch (java.io.IOException e) {
            System.out.println(e);
        }
        for (Container c : docker.listContainersCmd().withShowAll(true).exec()) {
            if (c.getNames() != null && List.of(c.getNames()).stream().anyMatch(n -> n.contains(run))) {
                docker.removeContainerCmd(c.getId()).withForce(true).exec();
            }
        }
    }

    private InstanceSpec spec(String init, String logicalId) {
        return spec(init, logicalId, 64);
    }

    private InstanceSpec spec(String init, String logicalId, int memory) {
        return new InstanceSpec(Json.parse("{\"Image\": \"" + image + "\", \"Provider\": \"docker\", \"CPUs\": 1, "
                + "\"Memory\": " + memory + "}"), Map.of(Tags.GROUP, "vg-" + run), init, logicalId, null);
    }

    private String containerId(String instance) throws Exception {
        return Files.readString(plugin.directory().resolve(instance).resolve(".vagrant/machines/default/docker/id"))
                .strip();
    }

    private String logs(String container) throws InterruptedException {
        var logs = new StringBuilder();
        docker.logContainerCmd(container).withStdOut(true).withStdErr(true)
                .exec(new ResultCallback.Adapter<Frame>() {
                    @Override
                    public void onNext(Frame f) {
                        logs.append(new String(f.getPayload()));
                    }
                }).awaitCompletion(10, TimeUnit.SECONDS);
        return logs.toString();
    }

    @SuppressWarnings("try") // the listener is held open for the block, not used by name
    @Test
    void aPetIsMadeListedRelabelledReplacedWithItsNameAndDestroyed() throws Exception {
        String logicalId = "pet-" + run;
        String id = plugin.provision(spec("echo init of $(hostname) ran", logicalId));

        assertThat(id).isEqualTo(logicalId);
        String container = containerId(id);
        var inspected = docker.inspectContainerCmd(container).exec();
        assertThat(inspected.getName()).isEqualTo("/" + logicalId);
        assertThat(inspected.getState().getRunning()).isTrue();
        // The init script is the container's command: it may run after vagrant up has returned.
        Awaitility.await("the init script's output").atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(logs(container)).contains("init of " + logicalId + " ran"));
        List<InstanceDescription> listed = plugin.describeInstances(Map.of(Tags.GROUP, "vg-" + run), false);
        assertThat(listed).extracting(InstanceDescription::id).containsExactly(id);
        assertThat(listed.get(0).logicalId()).isEqualTo(logicalId);

        plugin.label(id, Map.of("extra", "1"));
        assertThat(plugin.describeInstances(Map.of("extra", "1"), false)).hasSize(1);

        // Removed behind the plugin's back: reported, left out, cleaned up; the pet comes back with its name.
        CountDownLatch changed = new CountDownLatch(1);
        try (AutoCloseable ignored = plugin.onChange(changed::countDown)) {
            docker.removeContainerCmd(container).withForce(true).exec();
            assertThat(changed.await(60, TimeUnit.SECONDS)).as("the removal is noticed").isTrue();
        }
        assertThat(plugin.describeInstances(Map.of(), false)).isEmpty();
        assertThat(plugin.provision(spec("echo again", logicalId))).isEqualTo(id);
        assertThat(docker.inspectContainerCmd(logicalId).exec().getState().getRunning()).isTrue();

        plugin.destroy(id, "terminate");
        assertThat(plugin.describeInstances(Map.of(), false)).isEmpty();
        assertThat(plugin.directory().resolve(id)).doesNotExist();
        assertThat(docker.listContainersCmd().withShowAll(true).withNameFilter(List.of(logicalId)).exec()).isEmpty();
    }

    @Test
    void aMachineThatCannotComeUpIsAnErrorInVagrantsWordsAndLeavesNothing() {
        // The engine refuses a 1 MB container outright. (An init script that exits at once is no test of this:
        // Vagrant calls the machine up if it still runs when Vagrant first looks, which is a race.)
        assertThatThrownBy(() -> plugin.provision(spec("echo never runs", "bad-" + run, 1)))
                .isInstanceOf(PluginException.class).hasMessageContaining("vagrant up of bad-" + run + " failed")
                .hasMessageContaining("Minimum memory limit");
        assertThat(plugin.directory().resolve("bad-" + run)).doesNotExist();
        assertThat(docker.listContainersCmd().withShowAll(true).withNameFilter(List.of("bad-" + run)).exec())
                .isEmpty();
    }

    @Test
    void aMissingBinaryIsAClearError() {
        try (VagrantInstancePlugin missing = new VagrantInstancePlugin(settings("/nonexistent/vagrant"))) {
            assertThatThrownBy(() -> missing.validate(Json.parse("{\"Box\": \"b\"}")))
                    .hasMessageContaining("/nonexistent/vagrant").hasMessageContaining("--vagrant-bin");
            assertThatThrownBy(() -> missing.provision(spec("", null))).hasMessageContaining("--vagrant-bin");
            assertThat(missing.describeInstances(Map.of(), false)).isEmpty();
        }
    }
}
