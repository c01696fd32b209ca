package io.infrakit.operator.tools;

import static org.awaitility.Awaitility.await;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import io.infrakit.operator.controller.ControllerConfig;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.testing.DockerEngine;
import io.infrakit.plugins.testing.TestImages;
import io.infrakit.plugins.testing.Tools;
import io.infrakit.plugins.vagrant.VagrantInstancePlugin;
import io.infrakit.plugins.vagrant.VagrantSettings;
import io.infrakit.store.testing.EtcdCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Groups on the vagrant plugin under a real controller: Debian's Vagrant with its docker provider makes each machine
 * a container of a busybox image on the test engine. Every vagrant command costs seconds of CPU, so one scenario
 * does it all, cattle and pets side by side.
 */
@Tag("heavy")
class VagrantGroupIT {

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.single();

    /** Long: healing must come from the plugin's status checks, not from a resync. */
    private static final Duration RESYNC = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    private DockerClient docker;
    private String image;
    private String run;
    private ToolOperator op;

    @BeforeEach
    void start() {
        docker = DockerEngine.client();
        image = TestImages.busybox(docker);
        run = UUID.randomUUID().toString().substring(0, 8);
        VagrantSettings settings = VagrantSettings.defaults(dir.resolve("machines"))
                .withBinary(Tools.vagrant().toString()).withStatusInterval(Duration.ofSeconds(3))
                .withEnvironment(Map.of("DOCKER_HOST", DockerEngine.host(),
                        "VAGRANT_HOME", dir.resolve("vagrant.d").toString()));
        op = new ToolOperator(ETCD, "vagrant", "vagrant", new VagrantInstancePlugin(settings),
                ControllerConfig.defaults().withResync(RESYNC));
    }

    @AfterEach
    void stop() {
        if (op != null) {
            op.close();
        }
        if (docker != null) {
            for (Container c : docker.listContainersCmd().withShowAll(true).exec()) {
                if (List.of(c.getNames()).stream().anyMatch(n -> n.contains(run))
                        || Files.isDirectory(dir.resolve("machines").resolve(c.getNames()[0].substring(1)))) {
                    docker.removeContainerCmd(c.getId()).withForce(true).exec();
                }
            }
        }
    }

    private String spec(String id, String allocation) {
        return """
                {"ID": "%s", "Properties": {"Allocation": %s,
                  "Instance": {"Plugin": "vagrant", "Properties": {"Image": "%s", "Provider": "docker",
                                                                  "CPUs": 1, "Memory": 64}},
                  "Flavor": {"Plugin": "vanilla", "Properties": {"Init": ["echo ready"]}}}}
                """.formatted(id, allocation, image);
    }

    private Set<String> ids(String group) {
        return op.instances(group).stream().map(InstanceDescription::id).collect(Collectors.toSet());
    }

    /** The containers that run, by name (the docker provider names each after its machine). */
    private Set<String> running() {
        return docker.listContainersCmd().exec().stream().map(c -> c.getNames()[0].substring(1))
                .filter(n -> Files.isDirectory(dir.resolve("machines").resolve(n))).collect(Collectors.toSet());
    }

    private void removeBehindItsBack(String machine) throws Exception {
        String container = Files.readString(dir.resolve("machines").resolve(machine)
                .resolve(".vagrant/machines/default/docker/id")).strip();
        docker.removeContainerCmd(container).withForce(true).exec();
    }

    @Test
    void cattleAndPetsConvergeHealScaleAndGoWithTheirSpecs() throws Exception {
        String a = "pet-a-" + run;
        String b = "pet-b-" + run;
        op.put("web", spec("web", "{\"Size\": 3}"));
        op.put("db", spec("db", "{\"LogicalIDs\": [\"" + a + "\", \"" + b + "\"]}"));
        op.awaitConverged("web", Duration.ofMinutes(4), 3);
        op.awaitConverged("db", Duration.ofMinutes(2), 2);
        assertThat(ids("db")).containsExactlyInAnyOrder(a, b);
        Set<String> cattle = ids("web");
        assertThat(running()).containsAll(cattle).contains(a, b);

        // One machine of each group removed behind the plugin's back: both replaced, the pet under its name.
        String victim = cattle.iterator().next();
        removeBehindItsBack(victim);
        removeBehindItsBack(a);
        await("both replaced").atMost(Duration.ofMinutes(3)).until(() -> {
            Set<String> web = ids("web");
            return web.size() == 3 && !web.contains(victim) && ids("db").size() == 2 && running().contains(a)
                    && running().containsAll(web);
        });
        assertThat(ids("db")).containsExactlyInAnyOrder(a, b);

        op.put("web", spec("web", "{\"Size\": 5}"));
        op.awaitConverged("web", Duration.ofMinutes(3), 5);
        op.put("web", spec("web", "{\"Size\": 2}"));
        op.awaitConverged("web", Duration.ofMinutes(3), 2);
        assertThat(running()).as("destroyed machines' containers are gone")
                .containsExactlyInAnyOrderElementsOf(union(ids("web"), Set.of(a, b)));

        op.delete("web");
        op.delete("db");
        // A machine leaves listings once its container is gone, its directory when vagrant destroy returns.
        await("every machine destroyed").atMost(Duration.ofMinutes(3)).until(() -> ids("web").isEmpty()
                && ids("db").isEmpty() && running().isEmpty() && machineDirectories().isEmpty());
    }

    private List<Path> machineDirectories() throws IOException {
        try (var left = Files.list(dir.resolve("machines"))) {
            return left.filter(p -> !p.getFileName().toString().startsWith(".")).toList();
        }
    }

    private static Set<String> union(Set<String> x, Set<String> y) {
        Set<String> all = new java.util.HashSet<>(x);
        all.addAll(y);
        return all;
    }
}
