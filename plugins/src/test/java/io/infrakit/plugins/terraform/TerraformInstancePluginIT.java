package io.infrakit.plugins.terraform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infrakit.plugins.group.Tags;
import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.spi.InstanceSpec;
import io.infrakit.plugins.spi.PluginException;
import io.infrakit.plugins.testing.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The terraform plugin with a real OpenTofu: {@code terraform_data} resources whose local-exec provisioners write
 * marker files, so creation and destruction (with destroy-time provisioners) can be seen.
 */
class TerraformInstancePluginIT {

    @TempDir
    Path dir;

    private Path markers;
    private TerraformInstancePlugin plugin;

    @BeforeEach
    void start() throws IOException {
        markers = Files.createDirectories(dir.resolve("markers"));
        plugin = new TerraformInstancePlugin(dir.resolve("tf"), Tools.tofu().toString(), Duration.ofMinutes(2));
    }

    @AfterEach
    void stop() {
        plugin.close();
    }

    /** A terraform_data that records its creation and destruction, and fails at creation if told to. */
    private String properties(String createExtra) {
        String m = markers.toString();
        return "{\"resource\":{\"terraform_data\":{\"vm\":{"
                + "\"provisioner\":[{\"local-exec\":{\"command\":\"echo \\\"${self.input.init}\\\" > " + m
                + "/created-${self.input.instance_id}" + createExtra + "\"}},"
                + "{\"local-exec\":{\"when\":\"destroy\",\"command\":\"touch " + m
                + "/destroyed-${self.input.instance_id}\"}}]}}}}";
    }

    private static InstanceSpec spec(String properties, String group, String logicalId) {
        return new InstanceSpec(Json.parse(properties), Map.of(Tags.GROUP, group, "team", "web"), "echo hello",
                logicalId, null);
    }

    private List<InstanceDescription> group(String group) {
        return plugin.describeInstances(Map.of(Tags.GROUP, group), false);
    }

    @Test
    void provisionDescribeLabelDestroy() throws IOException {
        String id = plugin.provision(spec(properties(""), "web", null));

        assertThat(id).matches("instance-[0-9]+");
        assertThat(Files.readString(markers.resolve("created-" + id))).isEqualTo("echo hello\n");
        List<InstanceDescription> listed = group("web");
        assertThat(listed).extracting(InstanceDescription::id).containsExactly(id);
        assertThat(listed.get(0).tags()).containsEntry(Tags.GROUP, "web").containsEntry("team", "web")
                .containsEntry("Name", id);
        assertThat(listed.get(0).logicalId()).isNull();
        var attributes = plugin.describeInstances(Map.of(), true).get(0).properties();
        assertThat(attributes.path("input").toString()).contains("echo hello");

        plugin.label(id, Map.of("team", "db", "extra", "1"));
        assertThat(group("web").get(0).tags()).containsEntry("team", "db").containsEntry("extra", "1");

        plugin.destroy(id, "terminate");
        assertThat(markers.resolve("destroyed-" + id)).as("destroy-time provisioner ran").exists();
        assertThat(group("web")).isEmpty();
        assertThat(dir.resolve("tf").resolve(id + ".tf.json")).doesNotExist();
        assertThatThrownBy(() -> plugin.destroy(id, "terminate")).isInstanceOf(PluginException.class)
                .hasMessageContaining("not found");
    }

    @Test
    void provisionsThatArriveTogetherShareOneApply() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<String>> ids = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                ids.add(pool.submit(() -> {
                    go.await();
                    return plugin.provision(spec(properties(""), "batch", null));
                }));
            }
            long before = plugin.batches();
            go.countDown();
            Set<String> made = new java.util.HashSet<>();
            for (Future<String> f : ids) {
                made.add(f.get(60, TimeUnit.SECONDS));
            }
            assertThat(made).hasSize(8);
            assertThat(plugin.batches() - before).as("batches for 8 provisions").isLessThanOrEqualTo(2);
            assertThat(group("batch")).hasSize(8);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFailedApplyIsThePluginsErrorInTofusWordsAndLeavesNothing() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            // Submitted together: one apply; the good instance is made, the failing one reports its own error.
            Future<String> good = pool.submit(() -> plugin.provision(spec(properties(""), "mixed", null)));
            Future<String> bad = pool.submit(() -> plugin.provision(spec(properties("; echo boom >&2; exit 3"),
                    "mixed", null)));
            String goodId = good.get(60, TimeUnit.SECONDS);
            assertThat(goodId).startsWith("instance-");
            assertThatThrownBy(() -> bad.get(60, TimeUnit.SECONDS)).hasCauseInstanceOf(PluginException.class)
                    .cause().hasMessageContaining("local-exec provisioner error").hasMessageContaining("boom")
                    .hasMessageContaining("exit status 3");
            assertThat(group("mixed")).extracting(InstanceDescription::id).containsExactly(goodId);
            String failedId = Files.list(markers).map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("created-")).map(n -> n.substring("created-".length()))
                    .filter(n -> !n.equals(goodId)).findFirst().orElseThrow();
            // Tainted by the failed provisioner, then destroyed with its destroy-time provisioner (untainted first:
            // OpenTofu runs none for a tainted resource) and its file deleted: the next apply does not try it again.
            assertThat(markers.resolve("destroyed-" + failedId)).exists();
            assertThat(dir.resolve("tf").resolve(failedId + ".tf.json")).doesNotExist();
            assertThat(Files.readString(dir.resolve("tf/terraform.tfstate"))).doesNotContain(failedId);
        } finally {
            pool.shutdownNow();
        }

        // A configuration error: named in the message; nothing of it stays to break the next apply.
        assertThatThrownBy(() -> plugin.provision(spec("{\"resource\":{\"terraform_data\":{\"vm\":{\"bogus\":1}}}}",
                "mixed", null))).isInstanceOf(PluginException.class).hasMessageContaining("bogus");
        assertThat(plugin.provision(spec(properties(""), "mixed", null))).startsWith("instance-");
        assertThat(group("mixed")).hasSize(2);
        assertThat(Files.list(dir.resolve("tf")).filter(p -> p.toString().endsWith(".tf.json")).count()).isEqualTo(2);
    }

    @SuppressWarnings("try") // the listener is held open for the block, not used by name
    @Test
    void aResourceDestroyedBehindThePluginsBackIsGoneAndNotMadeAgain() throws Exception {
        String kept = plugin.provision(spec(properties(""), "web", null));
        String victim = plugin.provision(spec(properties(""), "web", null));
        CountDownLatch changed = new CountDownLatch(1);
        // Listings all the while (other groups' reconciles) read the change first; they must not hide it.
        java.util.concurrent.atomic.AtomicBoolean listing = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread lister = new Thread(() -> {
            while (listing.get()) {
                plugin.describeInstances(Map.of(), false);
            }
        });
        lister.start();
        try (AutoCloseable ignored = plugin.onChange(changed::countDown)) {
            ProcessBuilder pb = new ProcessBuilder(Tools.tofu().toString(), "destroy", "-auto-approve", "-no-color",
                    "-target=terraform_data." + victim).directory(dir.resolve("tf").toFile())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("by-hand.log").toFile());
            pb.environment().put("TF_CLI_CONFIG_FILE", dir.resolve("tf/.infrakit/tofurc").toString());
            assertThat(pb.start().waitFor()).as(Files.readString(dir.resolve("by-hand.log"))).isZero();
            assertThat(changed.await(10, TimeUnit.SECONDS)).as("change reported").isTrue();
        } finally {
            listing.set(false);
            lister.join();
        }
        assertThat(group("web")).extracting(InstanceDescription::id).containsExactly(kept);

        String replacement = plugin.provision(spec(properties(""), "web", null));
        assertThat(group("web")).extracting(InstanceDescription::id).containsExactlyInAnyOrder(kept, replacement);
        assertThat(dir.resolve("tf").resolve(victim + ".tf.json")).doesNotExist();
        assertThat(Files.list(markers).filter(p -> p.getFileName().toString().equals("created-" + victim)).count())
                .isEqualTo(1);
        Set<String> created = Files.list(markers).map(p -> p.getFileName().toString())
                .filter(n -> n.startsWith("created-")).collect(Collectors.toSet());
        assertThat(created).hasSize(3); // the victim was not made again by the replacement's apply
    }

    @Test
    void aPetKeepsItsResourceName() {
        String id = plugin.provision(spec(properties(""), "db", "db-1.example"));
        assertThat(id).isEqualTo("instance-db-1_example");
        InstanceDescription d = group("db").get(0);
        assertThat(d.logicalId()).isEqualTo("db-1.example");
        assertThatThrownBy(() -> plugin.provision(spec(properties(""), "db", "db-1.example")))
                .hasMessageContaining("exists already");

        plugin.destroy(id, "terminate");
        assertThat(plugin.provision(spec(properties(""), "db", "db-1.example"))).isEqualTo(id);
    }

    @Test
    void aRemoteBackendIsRefusedRatherThanListedAsEmpty() throws IOException {
        Path backend = Files.createDirectories(dir.resolve("tf/.terraform")).resolve("terraform.tfstate");
        Files.writeString(backend, "{\"version\": 3, \"backend\": {\"type\": \"s3\", \"config\": {}}}");
        assertThatThrownBy(() -> plugin.describeInstances(Map.of(), false)).isInstanceOf(PluginException.class)
                .hasMessageContaining("'s3' backend");
    }

    @Test
    void aMissingBinaryIsAClearError() {
        try (TerraformInstancePlugin missing = new TerraformInstancePlugin(dir.resolve("other"),
                "/nonexistent/tofu")) {
            assertThatThrownBy(() -> missing.validate(Json.parse(properties(""))))
                    .hasMessageContaining("/nonexistent/tofu").hasMessageContaining("--terraform-bin");
            assertThatThrownBy(() -> missing.provision(spec(properties(""), "web", null)))
                    .hasMessageContaining("--terraform-bin");
            assertThat(missing.describeInstances(Map.of(), false)).isEmpty();
        }
        try (TerraformInstancePlugin missing = new TerraformInstancePlugin(dir.resolve("other2"),
                "no-such-tofu-here")) {
            assertThatThrownBy(() -> missing.provision(spec(properties(""), "web", null)))
                    .hasMessageContaining("'no-such-tofu-here' was not found on PATH");
        }
    }
}
