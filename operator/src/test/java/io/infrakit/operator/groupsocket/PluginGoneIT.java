package io.infrakit.operator.groupsocket;

import static io.infrakit.operator.groupsocket.LocalOperator.cattle;
import static io.infrakit.operator.groupsocket.LocalOperator.files;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.infrakit.operator.Keys;
import io.infrakit.operator.group.GroupState;
import io.infrakit.operator.group.GroupStatus;
import io.infrakit.operator.metrics.MeteredOperator;
import io.infrakit.plugins.PluginLookup;
import io.infrakit.plugins.PluginRegistry;
import io.infrakit.plugins.discovery.LocalPluginDirectory;
import io.infrakit.plugins.discovery.RemotePluginLookup;
import io.infrakit.plugins.rpc.PluginAddress;
import io.infrakit.plugins.rpc.RpcClient;
import io.infrakit.store.testing.EtcdCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The instance plugin of a converged group goes away (its process is killed): the status says so within a resync,
 * {@code group describe} still shows it, a deleted group whose plugin is gone is listed as deleting with the reason,
 * and {@code group destroy --force} forgets it, its metrics with it. Real etcd, a real plugin process on a real
 * socket, a replica wired as {@code infrakit up} wires it.
 */
@Timeout(120)
class PluginGoneIT {

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.single();

    @TempDir(factory = ShortTempDir.class)
    Path sockets;
    @TempDir
    Path files;
    @TempDir
    Path logs;

    private Keys keys;
    private MeteredOperator op;

    private CliProcess startPlugins() {
        CliProcess p = CliProcess.start(logs.resolve("plugins.log"), Map.of("INFRAKIT_PLUGINS_DIR", sockets.toString()),
                "plugin", "start", "file", "--name", "files", "--file-dir", files.toString());
        RpcClient client = new RpcClient(new PluginAddress.Unix(sockets.resolve("files")), Duration.ofSeconds(2));
        await("the plugins answering; output:\n" + p.output()).atMost(Duration.ofSeconds(30)).until(() -> {
            try {
                return !client.implementedInterfaces().isEmpty();
            } catch (RuntimeException e) {
                return false;
            }
        });
        return p;
    }

    private Optional<GroupStatus> status(String id) {
        return op.store.get(keys.status(id)).flatMap(kv -> GroupStatus.fromJson(kv.value()));
    }

    private GroupStatus awaitStatus(String id, String what, Predicate<GroupStatus> condition) {
        try {
            return await(id + " " + what).atMost(Duration.ofSeconds(20)).until(() -> status(id).filter(condition).orElse(null), Objects::nonNull);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; last status: "
                    + status(id).map(GroupStatus::toJson).orElse("none"), e);
        }
    }

    private CliProcess.Result cli(String log, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--etcd", String.join(",", ETCD.endpoints()), "--prefix", keys.prefix()));
        return CliProcess.run(logs.resolve(log), Map.of("INFRAKIT_PLUGINS_DIR", sockets.toString(),
                "INFRAKIT_HOME", logs.resolve("home").toString()), all.toArray(String[]::new));
    }

    @Test
    void aGonePluginIsReportedDescribedAndAGroupDeletedMeanwhileCanBeForgotten() throws Exception {
        keys = new Keys(EtcdCluster.uniquePrefix("gone"));
        // The instance plugin is the child's (a name no built-in has); the flavor is built in.
        PluginLookup lookup = PluginRegistry.builtins(logs.resolve("unused")).orElse(new RemotePluginLookup(
                new LocalPluginDirectory(sockets), Duration.ofSeconds(2)));
        try (CliProcess plugins = startPlugins()) {
            op = new MeteredOperator(ETCD.newStore(), keys, lookup, "gone").start(); // resync every second
            await("leading").atMost(Duration.ofSeconds(15)).until(op.replica::isLeader);
            op.store.put(keys.group("web"), cattle("web", 2, "files", "vanilla"));
            awaitStatus("web", "converged at 2", s -> s.converged() && s.observed() == 2);
            await("the instance gauge").atMost(Duration.ofSeconds(10)).until(() -> op.scrape()
                    .value("infrakit_group_instances", Map.of("group", "web", "kind", "observed")).orElse(0) == 2);

            long killed = System.nanoTime();
            plugins.kill9();
            GroupStatus gone = awaitStatus("web", "unreachable", s -> s.state() == GroupState.UNREACHABLE);
            long reportedMs = (System.nanoTime() - killed) / 1_000_000;
            System.out.printf("instance plugin killed -> status unreachable in %d ms (resync 1 s)%n", reportedMs);
            assertThat(gone.converged()).isFalse();
            assertThat(gone.observed()).as("unknown, not the last count").isNull();
            assertThat(gone.desired()).isEqualTo(2);
            assertThat(gone.error().message()).contains("cannot connect to plugin at unix://" + sockets);
            await("the observed gauge unknown (NaN)").atMost(Duration.ofSeconds(10)).until(() -> Double.isNaN(op.scrape()
                    .value("infrakit_group_instances", Map.of("group", "web", "kind", "observed")).orElse(0)));

            CliProcess.Result describe = cli("describe.log", "group", "describe", "web");
            assertThat(describe.exitCode()).as(describe.output()).isEqualTo(1);
            assertThat(describe.output()).contains("Group web: unreachable, ? of 2 instances")
                    .contains("cannot connect to plugin at unix://")
                    .contains("cannot list the instances of web from instance plugin 'files'");

            // Deleted while its plugin is gone: still deleting, and saying why.
            op.store.delete(keys.group("web"));
            GroupStatus deleting = awaitStatus("web", "deleting", s -> s.state() == GroupState.DELETING
                    && s.error() != null);
            assertThat(deleting.error().message()).contains("cannot connect to plugin");
            CliProcess.Result ls = cli("ls.log", "group", "ls");
            assertThat(ls.output()).containsPattern("web +0 +- +deleting +- +.*cannot connect to plugin");

            CliProcess.Result forget = cli("forget.log", "group", "destroy", "--force", "web");
            assertThat(forget.exitCode()).as(forget.output()).isZero();
            assertThat(forget.output()).contains("Forgot web");
            await("the status gone").atMost(Duration.ofSeconds(10)).until(() -> status("web").isEmpty());
            await("its gauges gone").atMost(Duration.ofSeconds(10)).until(() -> !op.scrape().text()
                    .contains("group=\"web\""));
            Thread.sleep(3000); // three resyncs: nobody tries to destroy it again
            assertThat(status("web")).isEmpty();
            assertThat(cli("ls-after.log", "group", "ls").output()).doesNotContain("web");
            assertThat(files(files)).as("its instances were left as they were").hasSize(2);
        } finally {
            if (op != null) {
                op.close();
            }
        }
    }
}
