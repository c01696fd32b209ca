package io.infrakit.operator.sync;

import static io.infrakit.operator.sync.GitRepo.cattle;
import static io.infrakit.operator.sync.GitRepo.cattleYaml;
import static org.assertj.core.api.Assertions.assertThat;

import io.infrakit.operator.Keys;
import io.infrakit.operator.controller.Controller;
import io.infrakit.operator.controller.ControllerConfig;
import io.infrakit.operator.election.LeaderTerm;
import io.infrakit.operator.group.SpecValidator;
import io.infrakit.plugins.PluginRegistry;
import io.infrakit.plugins.file.FileInstancePlugin;
import io.infrakit.plugins.group.Tags;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.store.Store;
import io.infrakit.store.testing.Await;
import io.infrakit.store.testing.EtcdCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The operator converges specs that sync wrote, and sync's annotations never make it replace instances. */
class SyncOperatorIT {

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.single();

    @TempDir
    Path tmp;

    private Controller controller;

    @AfterEach
    void tearDown() {
        if (controller != null) {
            controller.close();
        }
    }

    @Test
    void syncedSpecsConvergeAndAnnotationChangesLeaveInstancesAlone() throws Exception {
        Store store = ETCD.newStore();
        Keys keys = new Keys(EtcdCluster.uniquePrefix("sync-op"));
        Path files = tmp.resolve("instances");
        PluginRegistry plugins = PluginRegistry.builtins(files);
        FileInstancePlugin instances = new FileInstancePlugin(files);
        controller = new Controller(store, keys, plugins, ControllerConfig.defaults().withResync(Duration.ofMillis(300)));
        controller.start();
        Await.until(Duration.ofSeconds(10), "spec cache synced", controller::isSynced);
        controller.lead(LeaderTerm.standalone());

        try (GitRepo repo = GitRepo.init(tmp.resolve("repo"))) {
            repo.write("web.json", cattle("web", 2));
            repo.commit("web");
            Syncer syncer = new Syncer(store, keys, GitSource.builder(repo.dir.toString()).build(),
                    SyncOptions.of("infra"), plugins, null);
            assertThat(syncer.sync(false).status()).isEqualTo(SyncResult.Status.APPLIED);
            List<InstanceDescription> first = Await.value(Duration.ofSeconds(15), "two instances", () -> {
                List<InstanceDescription> now = instances.describeInstances(Map.of(Tags.GROUP, "web"), false);
                return now.size() == 2 ? now : null;
            });
            String plainHash = SpecValidator.parse("web", cattle("web", 2), 1).configHash();
            assertThat(first).allSatisfy(d -> assertThat(d.tags()).containsEntry(Tags.CONFIG_SHA, plainHash));

            // The file moves and turns into YAML: new annotations and commit, same config: nothing is replaced.
            repo.delete("web.json").write("apps/web.yaml", cattleYaml("web", 2));
            repo.commit("move");
            SyncResult moved = syncer.sync(false);
            assertThat(moved.plan().changes()).extracting(GroupChange::kind)
                    .containsExactly(GroupChange.Kind.RELABEL);
            long specRevision = store.get(keys.group("web")).orElseThrow().modRevision();
            com.fasterxml.jackson.databind.JsonNode status = Await.value(Duration.ofSeconds(15),
                    "status at the new spec revision", () -> store.get(keys.status("web"))
                            .map(kv -> io.infrakit.plugins.json.Json.parse(kv.value()))
                            .filter(s -> s.path("SpecRevision").asLong() == specRevision).orElse(null));
            assertThat(status.path("ConfigSHA").asText()).isEqualTo(plainHash);
            assertThat(status.path("OutOfDate").asInt()).isZero();
            assertThat(instances.describeInstances(Map.of(Tags.GROUP, "web"), false))
                    .extracting(InstanceDescription::id)
                    .containsExactlyInAnyOrderElementsOf(first.stream().map(InstanceDescription::id).toList());
        }
    }
}
