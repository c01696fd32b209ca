package io.infrakit.operator.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import io.infrakit.operator.controller.ControllerConfig;
import io.infrakit.operator.group.GroupStatus;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.terraform.TerraformInstancePlugin;
import io.infrakit.plugins.testing.DockerEngine;
import io.infrakit.plugins.testing.TestImages;
import io.infrakit.plugins.testing.Tools;
import io.infrakit.store.testing.Await;
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
 * Groups on the terraform plugin with a real OpenTofu under a real controller: each instance is a
 * {@code terraform_data} whose local-exec provisioners run a container on the test engine ({@code docker run} with
 * the flavor's init, {@code docker rm -f} at destroy), so what OpenTofu made can be counted on the engine.
 */
@Tag("heavy")
class TerraformGroupIT {

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.single();

    /** Long: healing must come from the plugin noticing the change, not from a resync. */
    private static final Duration RESYNC = Duration.ofSeconds(60);

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
        op = new ToolOperator(ETCD, "tf", "terraform", new TerraformInstancePlugin(dir.resolve("tf"),
                Tools.tofu().toString()), ControllerConfig.defaults().withResync(RESYNC));
    }

    @AfterEach
    void stop() {
        if (op != null) {
            op.close();
        }
        if (docker != null) {
            containers().forEach(c -> docker.removeContainerCmd(c.getId()).withForce(true).exec());
        }
    }

    /** Each instance a container named after the instance, running the flavor's init and then sleeping. */
    private String spec(String id, String allocation, String createExtra) {
        return """
                {"ID": "%s", "Properties": {"Allocation": %s,
                  "Instance": {"Plugin": "terraform", "Properties": {"resource": {"terraform_data": {"box": {
                    "input": {"image": "%s"},
                    "provisioner": [
                      {"local-exec": {"command": "docker run -d --name ${self.input.instance_id}-%s --label it=%s --label group=%s ${self.input.image} sh -c \\"$INIT; exec sleep 3600\\"%s",
                                      "environment": {"INIT": "${self.input.init}"}}},
                      {"local-exec": {"when": "destroy", "command": "docker rm -f ${self.input.instance_id}-%s"}}]}}}}},
                  "Flavor": {"Plugin": "vanilla", "Properties": {"Init": ["echo ready"]}}}}
                """.formatted(id, allocation, image, run, run, id, createExtra, run);
    }

    private List<Container> containers() {
        return docker.listContainersCmd().withShowAll(true).withLabelFilter(Map.of("it", run)).exec();
    }

    private Set<String> running(String group) {
        return docker.listContainersCmd().withLabelFilter(Map.of("it", run, "group", group)).exec().stream()
                .map(c -> c.getNames()[0].substring(1)).collect(Collectors.toSet());
    }

    private Set<String> ids(String group) {
        return op.instances(group).stream().map(InstanceDescription::id).collect(Collectors.toSet());
    }

    private Set<String> names(Set<String> ids) {
        return ids.stream().map(id -> id + "-" + run).collect(Collectors.toSet());
    }

    /** What a user does by hand in the plugin's directory: destroys one instance's resource. */
    private void destroyByHand(String id) throws IOException, InterruptedException {
        Path tf = dir.resolve("tf");
        ProcessBuilder pb = new ProcessBuilder(Tools.tofu().toString(), "destroy", "-auto-approve", "-no-color",
                "-lock-timeout=60s", "-target=terraform_data." + id).directory(tf.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("by-hand.log").toFile());
        pb.environment().put("TF_CLI_CONFIG_FILE", tf.resolve(".infrakit/tofurc").toString());
        assertThat(pb.start().waitFor()).as(Files.readString(dir.resolve("by-hand.log"))).isZero();
    }

    @Test
    void cattleConvergeHealScaleAndGoWithTheirSpec() throws Exception {
        op.put("web", spec("web", "{\"Size\": 3}", ""));
        op.awaitConverged("web", Duration.ofSeconds(60), 3);
        Set<String> first = ids("web");
        assertThat(running("web")).isEqualTo(names(first));

        String victim = first.iterator().next();
        destroyByHand(victim);
        Await.until(Duration.ofSeconds(30), "a replacement for " + victim, () -> {
            Set<String> now = ids("web");
            return now.size() == 3 && !now.contains(victim);
        });
        op.awaitConverged("web", Duration.ofSeconds(30), 3);
        assertThat(running("web")).isEqualTo(names(ids("web")));

        op.put("web", spec("web", "{\"Size\": 5}", ""));
        op.awaitConverged("web", Duration.ofSeconds(60), 5);
        assertThat(running("web")).isEqualTo(names(ids("web")));
        op.put("web", spec("web", "{\"Size\": 2}", ""));
        op.awaitConverged("web", Duration.ofSeconds(60), 2);
        assertThat(running("web")).as("destroy-time provisioners removed the containers")
                .isEqualTo(names(ids("web")));

        op.delete("web");
        Await.until(Duration.ofSeconds(60), "web gone", () -> ids("web").isEmpty() && running("web").isEmpty());
        try (var files = Files.list(dir.resolve("tf"))) {
            assertThat(files.filter(f -> f.toString().endsWith(".tf.json")).toList()).isEmpty();
        }
    }

    @Test
    void petsKeepTheirNamesAndAFailingGroupSaysWhyWithoutSpinning() throws Exception {
        String a = "db-a-" + run;
        String b = "db-b-" + run;
        op.put("db", spec("db", "{\"LogicalIDs\": [\"" + a + "\", \"" + b + "\"]}", ""));
        op.put("bad", spec("bad", "{\"Size\": 1}", "; echo no capacity left >&2; exit 3"));
        op.awaitConverged("db", Duration.ofSeconds(60), 2);
        assertThat(ids("db")).containsExactlyInAnyOrder("instance-" + a, "instance-" + b);

        destroyByHand("instance-" + a);
        Await.until(Duration.ofSeconds(30), "pet " + a + " made again", () -> running("db").size() == 2
                && ids("db").size() == 2);
        assertThat(ids("db")).containsExactlyInAnyOrder("instance-" + a, "instance-" + b);
        assertThat(op.instances("db")).extracting(InstanceDescription::logicalId).containsExactlyInAnyOrder(a, b);

        GroupStatus bad = op.awaitStatus("bad", Duration.ofSeconds(30), s -> s.error() != null, "an error");
        assertThat(bad.error().message()).contains("local-exec provisioner error").contains("no capacity left")
                .contains("exit status 3");
        assertThat(ids("bad")).isEmpty();
        // Retried with a growing pause (the controller's backoff), not in a loop on the plugin's own file events:
        // once the pause has grown past a few seconds, at most two attempts in eight seconds.
        Thread.sleep(8000);
        long before = applies();
        Thread.sleep(8000);
        assertThat(applies() - before).isLessThanOrEqualTo(2);
        assertThat(op.status("db").orElseThrow().converged()).isTrue();

        op.delete("db");
        op.delete("bad");
        // The failed attempts' containers went too: their destroy-time provisioners ran although they were tainted.
        Await.until(Duration.ofSeconds(60), "db gone", () -> ids("db").isEmpty() && containers().isEmpty());
    }

    private long applies() throws IOException {
        Path log = ((TerraformInstancePlugin) op.plugin).log();
        return Files.readAllLines(log).stream().filter(l -> l.startsWith("=== ") && l.contains(" apply ")).count();
    }
}
