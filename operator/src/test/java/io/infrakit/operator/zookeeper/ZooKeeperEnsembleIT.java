package io.infrakit.operator.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.infrakit.operator.controller.ControllerConfig;
import io.infrakit.operator.group.GroupStatus;
import io.infrakit.operator.group.UpdateState;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.zookeeper.ZooKeeperFlavorPlugin;
import io.infrakit.store.etcd.LocalPorts;
import io.infrakit.store.testing.EtcdCluster;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real three-member ZooKeeper ensemble (Debian's package) managed as pets by the operator: the process plugin
 * runs the members on 127.0.0.11-13, the ZooKeeper flavor writes their configs and asks them about health. A client
 * writes all along; a probe watches every member.
 */
@Tag("heavy")
class ZooKeeperEnsembleIT {

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.single();

    static final List<String> MEMBERS = List.of("127.0.0.11", "127.0.0.12", "127.0.0.13");

    @TempDir
    Path dir;

    private ProcessOperator op;
    private int port;

    @AfterEach
    void tearDown() {
        if (op != null) {
            op.close();
        }
    }

    /**
     * SyncLimit 20 ticks (10 s at 500 ms) rather than ZooKeeper's 5: a leader steps down when a quorum of followers
     * has not answered within it, and with one member killed a single slow answer from the other follower would do
     * on a loaded machine. With more room only a real loss of quorum shows as members down.
     */
    private String spec(int tickTime) {
        return "{\"ID\":\"zk\",\"Properties\":{\"Allocation\":{\"LogicalIDs\":[\"" + String.join("\",\"", MEMBERS)
                + "\"]},\"Instance\":{\"Plugin\":\"process\",\"Properties\":{\"StopGrace\":\"10s\"}},"
                + "\"Flavor\":{\"Plugin\":\"zookeeper\",\"Properties\":{\"Type\":\"member\",\"TickTime\":" + tickTime
                + ",\"SyncLimit\":20,\"DataDir\":\"" + dir.resolve("zk") + "\",\"ClientPort\":" + port
                + ",\"PeerPort\":" + (port + 1) + ",\"ElectionPort\":" + (port + 2)
                + ",\"JavaOpts\":\"-Xmx96m -XX:+UseSerialGC -XX:TieredStopAtLevel=1\"}},"
                + "\"Updating\":{\"HealthDeadline\":\"90s\"}}}";
    }

    /** Starts the ensemble through the operator and waits for a leader and two followers. */
    private void startEnsemble(String name) {
        assertThat(Path.of("/usr/share/java/zookeeper.jar"))
                .as("Debian's zookeeper package (apt-get install zookeeper)").exists();
        port = freePorts();
        op = new ProcessOperator(ETCD, name, dir, ControllerConfig.defaults().withResync(Duration.ofSeconds(5))
                .withHealthPoll(Duration.ofMillis(200))).start();
        long start = System.nanoTime();
        op.put("zk", spec(500));
        op.awaitStatus("zk", Duration.ofSeconds(30), s -> s.converged() && s.observed() == 3, "3 members");
        await("quorum").atMost(Duration.ofSeconds(60)).until(
                () -> modes().values().stream().filter(Srvr::serving).count() == 3);
        System.out.printf("zookeeper: ensemble serving %d ms after the commit%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    private Map<String, Srvr.Mode> modes() {
        return MEMBERS.stream().collect(Collectors.toMap(m -> m, m -> Srvr.ask(m, port)));
    }

    private String connectString() {
        return MEMBERS.stream().map(m -> m + ":" + port).collect(Collectors.joining(","));
    }

    private InstanceDescription member(String address) {
        return op.instances("zk").stream().filter(d -> address.equals(d.logicalId())).findFirst().orElse(null);
    }

    @Test
    void aKilledMemberIsReplacedWithTheSameMyidAndQuorumHolds() throws Exception {
        startEnsemble("zk-kill");
        String follower = modes().entrySet().stream().filter(e -> e.getValue() == Srvr.Mode.FOLLOWER)
                .map(Map.Entry::getKey).sorted().findFirst().orElseThrow();
        InstanceDescription old = member(follower);
        long pid = op.pid(old.id());
        try (ZkWriter writer = new ZkWriter(connectString());
             EnsembleProbe probe = new EnsembleProbe(MEMBERS, port, () -> op.instances("zk"))) {
            Thread.sleep(500);
            long killed = System.nanoTime();
            ProcessHandle.of(pid).orElseThrow().destroyForcibly(); // kill -9
            InstanceDescription replacement = await("a replacement").atMost(Duration.ofSeconds(10)).until(() -> {
                InstanceDescription d = member(follower);
                return d != null && !d.id().equals(old.id()) ? d : null;
            }, Objects::nonNull);
            long replacedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
            await("the replacement serves").atMost(Duration.ofSeconds(60)).until(
                    () -> Srvr.serving(Srvr.ask(follower, port)));
            long servingMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
            Thread.sleep(500);
            List<EnsembleProbe.Sample> samples = probe.stop();
            writer.check();
            System.out.printf("zookeeper: member %s killed -> replaced in %d ms, serving again in %d ms; "
                            + "client: %d ok, %d failed, longest gap %d ms%n", follower, replacedMs, servingMs,
                    writer.succeeded(), writer.failures(), writer.maxGapMillis());

            String myid = Integer.toString(MEMBERS.indexOf(follower) + 1);
            assertThat(old.tag(ZooKeeperFlavorPlugin.MYID_TAG)).isEqualTo(myid);
            assertThat(replacement.tag(ZooKeeperFlavorPlugin.MYID_TAG)).isEqualTo(myid);
            assertThat(dir.resolve("zk").resolve(follower).resolve("data/myid")).hasContent(myid);
            assertThat(Files.readString(dir.resolve("zk").resolve(follower).resolve("zoo.cfg")))
                    .contains("syncLimit=20\n");
            assertThat(samples).hasSizeGreaterThan(10);
            assertThat(samples).as("the other two members served throughout")
                    .allMatch(s -> s.provenDown() <= 1);
            assertThat(writer.maxGapMillis()).as("the client was served throughout").isLessThan(10_000);
        }
    }

    @Test
    void aChangedTickTimeRollsOneMemberAtATimeWhileAClientKeepsWriting() throws Exception {
        startEnsemble("zk-roll");
        Map<String, String> before = op.instances("zk").stream()
                .collect(Collectors.toMap(InstanceDescription::logicalId, InstanceDescription::id));
        GroupStatus done;
        long rollMs;
        List<EnsembleProbe.Sample> samples;
        try (ZkWriter writer = new ZkWriter(connectString());
             EnsembleProbe probe = new EnsembleProbe(MEMBERS, port, () -> op.instances("zk"))) {
            Thread.sleep(500);
            long start = System.nanoTime();
            op.put("zk", spec(600));
            done = op.awaitStatus("zk", Duration.ofSeconds(150), s -> s.update() != null
                    && UpdateState.DONE.equals(s.update().state()) && s.converged(), "the roll done");
            rollMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            long okAtEnd = writer.succeeded();
            await("writes after the roll").atMost(Duration.ofSeconds(20))
                    .until(() -> writer.succeeded() > okAtEnd + 10);
            samples = probe.stop();
            writer.check();
            System.out.printf("zookeeper: tickTime roll of 3 members in %d ms; client: %d ok, %d failed, "
                    + "longest gap %d ms%n", rollMs, writer.succeeded(), writer.failures(), writer.maxGapMillis());
            assertThat(writer.maxGapMillis()).as("the client was served throughout").isLessThan(10_000);
        }
        assertThat(done.update().total()).isEqualTo(3);
        for (String m : MEMBERS) {
            assertThat(member(m).id()).as("replaced: %s", m).isNotEqualTo(before.get(m));
            assertThat(Files.readString(dir.resolve("zk").resolve(m).resolve("zoo.cfg"))).contains("tickTime=600\n");
        }
        assertOneAtATime(before, samples);
    }

    /** Each member was taken down only after the one before it was replaced and serving again. */
    private static void assertOneAtATime(Map<String, String> before, List<EnsembleProbe.Sample> samples) {
        record Step(String member, long gone, long servingAgain) {
        }
        List<Step> steps = new ArrayList<>();
        for (String m : MEMBERS) {
            long gone = samples.stream().filter(s -> !before.get(m).equals(s.instances().get(m)))
                    .mapToLong(EnsembleProbe.Sample::nanos).min().orElseThrow();
            long serving = samples.stream().filter(s -> s.nanos() > gone && s.instances().get(m) != null
                            && !before.get(m).equals(s.instances().get(m)) && Srvr.serving(s.modes().get(m)))
                    .mapToLong(EnsembleProbe.Sample::nanos).min().orElseThrow();
            steps.add(new Step(m, gone, serving));
        }
        steps.sort(Comparator.comparingLong(Step::gone));
        for (int i = 1; i < steps.size(); i++) {
            assertThat(steps.get(i).gone()).as("%s went down after %s served again", steps.get(i).member(),
                    steps.get(i - 1).member()).isGreaterThan(steps.get(i - 1).servingAgain());
        }
        assertThat(samples).as("never two member processes missing at once")
                .allMatch(s -> s.instances().size() >= MEMBERS.size() - 1);
    }

    /**
     * A client port whose next two ports (peer, election) are free too, on every member address. All three lie below
     * the kernel's ephemeral range: a port from it can become the source port of an outgoing connection before a
     * member binds it, or binds it again after a restart.
     */
    private static int freePorts() {
        for (int attempt = 0; attempt < 50; attempt++) {
            int base = ThreadLocalRandom.current().nextInt(20_000, LocalPorts.ephemeralLow() - 2);
            if (MEMBERS.stream().allMatch(m -> free(m, base) && free(m, base + 1) && free(m, base + 2))) {
                return base;
            }
        }
        throw new IllegalStateException("no free ports");
    }

    private static boolean free(String host, int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(host, port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
