package io.infrakit.operator.sync;

import static io.infrakit.operator.sync.GitRepo.cattle;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.operator.Keys;
import io.infrakit.operator.testing.InProcessCli;
import io.infrakit.plugins.json.Json;
import io.infrakit.store.Store;
import io.infrakit.store.testing.EtcdCluster;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code infrakit sync} and {@code infrakit sync status} as a CI job runs them: output and exit codes. */
class SyncCommandIT {

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.single();

    @TempDir
    Path tmp;

    private Store store;
    private Keys keys;
    private GitRepo repo;


    @BeforeEach
    void setUp() throws Exception {
        store = ETCD.newStore();
        keys = new Keys(EtcdCluster.uniquePrefix("cli"));
        repo = GitRepo.init(tmp.resolve("infra"));
    }

    @AfterEach
    void tearDown() {
        repo.close();
    }

    private InProcessCli.Run infrakit(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        boolean group = all.get(0).equals("group");
        int at = group || all.size() > 1 && List.of("status", "forget").contains(all.get(1)) ? 2 : 1;
        all.addAll(at, List.of("--etcd", String.join(",", ETCD.endpoints()), "--prefix", keys.prefix()));
        if (at == 1 || group) {
            all.addAll(List.of("--file-dir", tmp.resolve("files").toString()));
        }
        return InProcessCli.run(all.toArray(String[]::new));
    }

    @Test
    void dryRunExitCodesTellCiWhetherAPullRequestChangesAnything() throws Exception {
        repo.write("groups/web.json", cattle("web", 3)).write("groups/old.json", cattle("old", 1));
        String first = repo.commit("first");
        String git = repo.dir.toString();

        InProcessCli.Run dry = infrakit("sync", "--git", git, "--path", "groups", "--dry-run");
        assertThat(dry.exitCode()).as(dry.err()).isEqualTo(3);
        assertThat(dry.out()).contains("source infra-groups: " + git + " @ HEAD " + first.substring(0, 12))
                .contains("+ create  old  (groups/old.json)")
                .contains("      + Properties.Allocation.Size: 3")
                .contains("Out of sync: 2 to create, 0 unchanged. Dry run: nothing was written.");
        assertThat(store.list(keys.groups()).kvs()).isEmpty();

        InProcessCli.Run apply = infrakit("sync", "--git", git, "--path", "groups");
        assertThat(apply.exitCode()).as(apply.err()).isZero();
        assertThat(apply.out()).contains("Applied: 2 created, 0 unchanged (1 transaction");
        InProcessCli.Run inSync = infrakit("sync", "--git", git, "--path", "groups", "--dry-run");
        assertThat(inSync.exitCode()).isZero();
        assertThat(inSync.out()).contains("In sync: 2 unchanged. Dry run: nothing was written.");

        // A pull request that scales web and removes old: what --prune would do is shown loudly.
        repo.write("groups/web.json", cattle("web", 5)).delete("groups/old.json");
        repo.commit("scale web, drop old");
        InProcessCli.Run pr = infrakit("sync", "--git", git, "--path", "groups", "--dry-run", "--prune");
        assertThat(pr.exitCode()).isEqualTo(3);
        assertThat(pr.out()).contains("~ update  web  (groups/web.json)")
                .contains("      ~ Properties.Allocation.Size: 3 -> 5")
                .contains("- DELETE  old  (groups/old.json): groups/old.json is gone: the spec is deleted and the "
                        + "operator DESTROYS ALL ITS INSTANCES")
                .contains("!!! --prune would DELETE 1 group: the operator DESTROYS ALL THEIR INSTANCES: old")
                .contains("Out of sync: 1 to update, 1 to DELETE, 0 unchanged.");
        InProcessCli.Run noPrune = infrakit("sync", "--git", git, "--path", "groups", "--dry-run");
        assertThat(noPrune.exitCode()).isEqualTo(3);
        assertThat(noPrune.out()).contains("? orphan  old").doesNotContain("DELETE");

        // An invalid spec in the pull request fails the check with the file and line.
        repo.write("groups/web.json", cattle("web", 5).replace("\"Size\":5", "\"Size\":\"five\""));
        repo.commit("typo");
        InProcessCli.Run bad = infrakit("sync", "--git", git, "--path", "groups", "--dry-run");
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.out()).contains("Sync failed; nothing was applied:")
                .contains("groups/web.json:1: group 'web': Invalid properties: ");
        assertThat(Json.parse(store.get(keys.group("web")).orElseThrow().value())
                .at("/Properties/Allocation/Size").asInt()).isEqualTo(3);
    }

    @Test
    void jsonOutputAndStatus() throws Exception {
        repo.write("web.json", cattle("web", 1));
        String commit = repo.commit("first");
        InProcessCli.Run run = infrakit("sync", "--git", repo.url(), "--name", "infra", "-o", "json",
                "--git-cache", tmp.resolve("cache").toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode report = Json.parse(run.out());
        assertThat(report.get("Status").asText()).isEqualTo("APPLIED");
        assertThat(report.get("Commit").asText()).isEqualTo(commit);
        assertThat(report.at("/Changes/0/Kind").asText()).isEqualTo("CREATE");

        InProcessCli.Run status = infrakit("sync", "status");
        assertThat(status.exitCode()).isZero();
        assertThat(status.out()).contains("infra").contains("Synced").contains(commit.substring(0, 12))
                .contains(repo.url());
        InProcessCli.Run one = infrakit("sync", "status", "infra");
        assertThat(one.out()).contains("Commit:     " + commit).contains("Result:     Synced")
                .contains("web  web.json");
        InProcessCli.Run json = infrakit("sync", "status", "infra", "-o", "json");
        assertThat(Json.parse(json.out()).get("Commit").asText()).isEqualTo(commit);
        assertThat(infrakit("sync", "status", "nope").exitCode()).isEqualTo(1);

        // A commit by hand to a synced group is made, with a warning that it is drift.
        java.nio.file.Files.writeString(tmp.resolve("web.json"), cattle("web", 2));
        InProcessCli.Run byHand = infrakit("group", "commit", tmp.resolve("web.json").toString());
        assertThat(byHand.exitCode()).as(byHand.err()).isZero();
        assertThat(byHand.err()).contains("warning: group 'web' comes from sync source 'infra'");

        // Forgetting the source deletes its record only: its group stays.
        InProcessCli.Run forget = infrakit("sync", "forget", "infra");
        assertThat(forget.exitCode()).as(forget.err()).isZero();
        assertThat(forget.out()).contains("Forgot sync source infra: its record is deleted; the 1 group(s) it wrote "
                + "stay as they are");
        assertThat(Syncer.record(store, keys, "infra")).isEmpty();
        assertThat(store.get(keys.group("web"))).isPresent();
        InProcessCli.Run again = infrakit("sync", "forget", "infra");
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).contains("No sync record for 'infra'");
    }

    @Test
    void usageErrorsExitWithTwo() {
        assertThat(infrakit("sync").exitCode()).isEqualTo(2);
        assertThat(infrakit("sync", "--dir", tmp.toString(), "--git", tmp.toString()).exitCode()).isEqualTo(2);
        assertThat(infrakit("sync", "--dir", tmp.toString(), "--self-heal").exitCode()).isEqualTo(2);
        assertThat(infrakit("sync", "--dir", tmp.toString(), "--watch", "--dry-run").exitCode()).isEqualTo(2);
        assertThat(infrakit("sync", "--dir", tmp.toString(), "--name", "a/b").exitCode()).isEqualTo(2);
    }

    @Test
    void anEmptyWebhookSecretFileStopsTheWatchBeforeItStarts() throws Exception {
        repo.write("web.json", cattle("web", 1));
        repo.commit("first");
        Path secret = java.nio.file.Files.writeString(tmp.resolve("secret"), " \n\t\n");

        InProcessCli.Run run = infrakit("sync", "--git", repo.dir.toString(), "--watch", "--webhook-listen",
                "127.0.0.1:0", "--webhook-secret-file", secret.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--webhook-secret-file " + secret + " is empty: refusing to serve the webhook"
                + " without authentication");
        assertThat(store.list(keys.groups()).kvs()).as("nothing synced").isEmpty();
    }
}
