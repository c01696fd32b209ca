package io.infrakit.plugins.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Container;
import io.infrakit.plugins.group.Tags;
import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.spi.InstanceSpec;
import io.infrakit.plugins.spi.PluginException;
import io.infrakit.plugins.testing.DockerEngine;
import io.infrakit.plugins.testing.TestImages;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.startupcheck.OneShotStartupCheckStrategy;

/** The docker instance plugin against a real engine ({@code DOCKER_HOST}), with a busybox image built locally. */
@Tag("docker")
class DockerInstancePluginIT {

    private static final String NETWORK = "infrakit-it-pets";
    private static DockerClient docker;
    private static String image;
    private static Network pets;

    private DockerInstancePlugin plugin;
    private String group;

    @BeforeAll
    static void engine() {
        docker = DockerEngine.client();
        image = TestImages.busybox(docker);
    }

    @BeforeEach
    void newPlugin() {
        plugin = DockerInstancePlugin.connect(DockerEngine.host());
        group = "it-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void removeContainers() {
        for (Container c : docker.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(Tags.GROUP, group)).exec()) {
            docker.removeContainerCmd(c.getId()).withForce(true).exec();
        }
        plugin.close();
    }

    @AfterAll
    static void removeNetwork() {
        if (pets != null) {
            pets.close();
        }
    }

    private InstanceSpec spec(String properties, String init, String logicalId) {
        Map<String, String> tags = new HashMap<>(Map.of(Tags.GROUP, group, Tags.CONFIG_SHA, "abc"));
        if (logicalId != null) {
            tags.put(Tags.LOGICAL_ID, logicalId);
        }
        return new InstanceSpec(Json.parse(properties), tags, init, logicalId, null);
    }

    private String sleeper() {
        return "{\"Config\":{\"Image\":\"" + image + "\",\"Cmd\":[\"sleep\",\"300\"],\"Env\":[\"GREETING=hi\"]},"
                + "\"Tags\":{\"Name\":\"web\"},\"HostConfig\":{\"Init\":true}}";
    }

    @Test
    void provisionsDescribesAndDestroysContainers() {
        String id = plugin.provision(spec(sleeper(), "echo \"$GREETING from init\" > /tmp/init.out", null));

        InspectContainerResponse c = docker.inspectContainerCmd(id).exec();
        assertThat(c.getState().getRunning()).isTrue();
        assertThat(c.getConfig().getLabels()).containsEntry(Tags.GROUP, group).containsEntry("Name", "web");
        assertThat(c.getConfig().getEntrypoint()).startsWith("/bin/sh", "-c");
        assertThat(c.getConfig().getCmd()).containsExactly("sleep", "300");
        awaitTrue(() -> exec(id, "cat", "/tmp/init.out").equals("hi from init\n"));

        List<InstanceDescription> described = plugin.describeInstances(Map.of(Tags.GROUP, group), true);
        assertThat(described).extracting(InstanceDescription::id).containsExactly(id);
        assertThat(described.get(0).tags()).containsEntry(Tags.CONFIG_SHA, "abc");
        assertThat(described.get(0).properties().get("State").asText()).isEqualTo("running");
        assertThat(plugin.describeInstances(Map.of(Tags.GROUP, group, "Name", "other"), false)).isEmpty();

        plugin.destroy(id, "terminate");
        assertThat(plugin.describeInstances(Map.of(Tags.GROUP, group), false)).isEmpty();
        plugin.destroy(id, "terminate"); // already gone: not an error
    }

    @Test
    void aContainerThatDiesIsReportedAtOnceAndRemoved() throws Exception {
        String id = plugin.provision(spec(sleeper(), "", null));
        CountDownLatch changed = new CountDownLatch(1);
        AutoCloseable handle = plugin.onChange(changed::countDown);
        try {
            long killed = System.nanoTime();
            docker.killContainerCmd(id).exec();
            assertThat(changed.await(10, TimeUnit.SECONDS)).isTrue();
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
            System.out.println("docker kill -> change event: " + ms + " ms");
            assertThat(plugin.describeInstances(Map.of(Tags.GROUP, group), false)).isEmpty();
            awaitTrue(() -> docker.listContainersCmd().withShowAll(true).withIdFilter(List.of(id)).exec().isEmpty());
        } finally {
            handle.close();
        }
    }

    @Test
    void anEventFromBeforeTheStreamOpensIsNotLost() throws Exception {
        String id = plugin.provision(spec(sleeper(), "", null));
        java.time.Instant before = java.time.Instant.now();
        docker.killContainerCmd(id).exec();
        awaitTrue(() -> !docker.inspectContainerCmd(id).exec().getState().getRunning());
        // The death happened before the stream below is even made: only its start time can bring it.
        java.util.concurrent.BlockingQueue<String> seen = new java.util.concurrent.LinkedBlockingQueue<>();
        try (DockerClient streaming = DockerClients.streaming(DockerEngine.host())) {
            ContainerEvents events = new ContainerEvents(streaming,
                    (action, container, g) -> seen.add(action + " " + container), before);
            try {
                String event;
                do {
                    event = seen.poll(10, TimeUnit.SECONDS);
                    assertThat(event).as("the die event of %s", id).isNotNull();
                } while (!event.equals("die " + id));
            } finally {
                events.close();
            }
        }
    }

    @Test
    void replacementsThatDieYoungAreReportedLaterAndLater() throws Exception {
        String crashing = "{\"Config\":{\"Image\":\"" + image + "\",\"Cmd\":[\"sh\",\"-c\",\"sleep 0.1; exit 3\"]}}";
        java.util.concurrent.LinkedBlockingQueue<Long> reports = new java.util.concurrent.LinkedBlockingQueue<>();
        AutoCloseable handle = plugin.onChange(() -> reports.add(System.nanoTime()));
        try {
            List<Long> waits = new java.util.ArrayList<>();
            for (int i = 0; i < 5; i++) {
                reports.clear();
                long provisioned = System.nanoTime();
                plugin.provision(spec(crashing, "", null)); // what a controller does at each report
                Long reported = reports.poll(20, TimeUnit.SECONDS);
                assertThat(reported).as("report %d", i).isNotNull();
                waits.add(TimeUnit.NANOSECONDS.toMillis(reported - provisioned));
            }
            System.out.println("crash loop: provision -> report of its death, ms: " + waits);
            // The first death is reported at once (the container's own life, longer on a loaded machine); the fifth
            // in a row is held back 2 s more (250 ms doubling).
            assertThat(waits.get(0)).isLessThan(5_000);
            assertThat(waits.get(4)).isGreaterThanOrEqualTo(2_000);
            assertThat(waits.get(4) - waits.get(0)).isGreaterThanOrEqualTo(1_000);
        } finally {
            handle.close();
        }
    }

    @Test
    void aPetKeepsItsNameAndItsLogicalIdAsAddress() {
        pets = DockerEngine.network(NETWORK, "10.231.7.0/24", null);
        pets.getId(); // made now: the plugin only names it
        String props = "{\"Config\":{\"Image\":\"" + image + "\",\"Cmd\":[\"sleep\",\"300\"]},"
                + "\"NetworkAttachments\":[{\"Name\":\"" + NETWORK + "\"}]}";
        String first = plugin.provision(spec(props, "", "10.231.7.21"));

        InspectContainerResponse c = docker.inspectContainerCmd(first).exec();
        assertThat(c.getName()).isEqualTo("/10.231.7.21");
        assertThat(c.getNetworkSettings().getNetworks().get(NETWORK).getIpAddress()).isEqualTo("10.231.7.21");
        assertThat(plugin.describeInstances(Map.of(Tags.GROUP, group), false))
                .extracting(InstanceDescription::logicalId).containsExactly("10.231.7.21");

        // A container of someone else's holding a pet's name is never touched, stopped or not.
        try (GenericContainer<?> foreign = DockerEngine.container(image).withCommand("true")
                .withStartupCheckStrategy(new OneShotStartupCheckStrategy())
                .withCreateContainerCmdModifier(cmd -> cmd.withName("10.231.7.22"))) {
            foreign.start(); // and done: a stopped container
            assertThatThrownBy(() -> plugin.provision(spec(props, "", "10.231.7.22")))
                    .isInstanceOf(PluginException.class).hasMessageContaining("not a container of group");
            assertThat(docker.inspectContainerCmd(foreign.getContainerId()).exec().getState().getStatus())
                    .isEqualTo("exited");
        }

        // A live pet's name is never taken over...
        assertThatThrownBy(() -> plugin.provision(spec(props, "", "10.231.7.21")))
                .isInstanceOf(PluginException.class).hasMessageContaining("is in use");
        // ...but its dead predecessor's is.
        docker.killContainerCmd(first).exec();
        String second = plugin.provision(spec(props, "", "10.231.7.21"));
        assertThat(second).isNotEqualTo(first);
        assertThat(docker.inspectContainerCmd(second).exec().getNetworkSettings().getNetworks().get(NETWORK)
                .getIpAddress()).isEqualTo("10.231.7.21");
    }

    @Test
    void aMissingImageIsAClearError() {
        String props = "{\"Config\":{\"Image\":\"infrakit-test/absent:1\"},\"Pull\":\"never\"}";
        assertThatThrownBy(() -> plugin.provision(spec(props, "", null)))
                .isInstanceOf(PluginException.class).hasMessageContaining("not on the engine");
        String pulled = "{\"Config\":{\"Image\":\"infrakit-test/absent:1\"}}";
        assertThatThrownBy(() -> plugin.provision(spec(pulled, "", null)))
                .isInstanceOf(PluginException.class).hasMessageContaining("pulling it failed");
        assertThat(plugin.describeInstances(Map.of(Tags.GROUP, group), false)).isEmpty();
    }

    private static String exec(String id, String... cmd) {
        var created = docker.execCreateCmd(id).withCmd(cmd).withAttachStdout(true).withAttachStderr(true).exec();
        var out = new java.io.ByteArrayOutputStream();
        try {
            docker.execStartCmd(created.getId()).exec(new com.github.dockerjava.api.async.ResultCallback.Adapter<
                    com.github.dockerjava.api.model.Frame>() {
                @Override
                public void onNext(com.github.dockerjava.api.model.Frame frame) {
                    out.writeBytes(frame.getPayload());
                }
            }).awaitCompletion(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out.toString();
    }

    private static void awaitTrue(BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within 10 s").isLessThan(deadline);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
