package io.infrakit.operator.ha;

import static io.infrakit.operator.ha.Specs.cattle;
import static org.assertj.core.api.Assertions.assertThat;

import io.infrakit.operator.ha.HaHarness.Gain;
import io.infrakit.operator.ha.ReplicaProcess.LogLine;
import io.infrakit.plugins.spi.InstanceDescription;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * etcd trouble under three replicas: losing one of three members changes nothing; losing quorum makes the leader
 * stand down before its lease could expire, and nobody acts until etcd is back; then a leader is elected again
 * and the group converges to exact counts.
 */
@Tag("heavy")
class EtcdOutageIT {

    private static final Duration LEADER = Duration.ofSeconds(30);
    private static final Duration CONVERGE = Duration.ofSeconds(30);
    private static final Duration AT_REST = Duration.ofMillis(2500);

    @RegisterExtension
    final HaHarness ha = new HaHarness();

    @Test
    void oneMemberDownChangesNothingAndQuorumLossStopsTheLeaderUntilEtcdIsBack() throws IOException {
        ha.startReplicas(3);
        ha.commit("web", cattle("web", 4));
        ha.awaitConverged("web", 4, CONVERGE);
        ReplicaProcess leader = ha.awaitLeader(LEADER);

        // 1. One member down, etcd's own raft leader: keep-alives and writes move to the other two.
        int first = raftLeader();
        long firstKilledAt = System.currentTimeMillis();
        ha.etcd.kill(first);
        HaHarness.await(Duration.ofSeconds(10), "the spec written with one member down", () -> {
            ha.commit("web", cattle("web", 6));
            return true;
        });
        ha.awaitConverged("web", 6, CONVERGE);
        // Let several lease renewals (every TTL/3) pass with the member gone.
        sleepUntil(firstKilledAt + 2 * HaHarness.TTL.toMillis());
        assertThat(leadershipLines(firstKilledAt)).as("leadership changes with one etcd member down").isEmpty();
        assertThat(ha.awaitLeader(LEADER)).isSameAs(leader);

        // 2. A second member down: no quorum. The leader cannot renew its lease and must stand down in time.
        int second = (first + 1) % 3;
        long quorumLostAt = System.currentTimeMillis();
        ha.etcd.kill(second);
        LogLine lost = leader.awaitLine(Duration.ofSeconds(15), "LEADERSHIP lost without quorum",
                l -> l.lost() && l.at() >= quorumLostAt);
        long standDown = lost.at() - quorumLostAt;
        // Instances vanish while nobody leads: no replica may replace them until etcd is back.
        List<InstanceDescription> web = ha.instances("web");
        Files.delete(ha.files.resolve(web.get(0).id()));
        Files.delete(ha.files.resolve(web.get(1).id()));
        ReplicaProcess.pause(HaHarness.TTL.toMillis() + 1000); // the point: a while with etcd down
        assertThat(ha.instances("web")).as("web instances while etcd has no quorum").hasSize(4);
        long restoringAt = System.currentTimeMillis();
        assertThat(ha.actionsBetween(quorumLostAt, restoringAt)).as("plugin calls without quorum").isEmpty();
        assertThat(leadershipLines(quorumLostAt)).as("leadership lines without quorum").containsExactly(lost);

        // 3. etcd back: a leader again, and the group converges, the two lost instances replaced, no duplicates.
        ha.etcd.restart(first);
        ha.etcd.restart(second);
        Gain next = ha.awaitGainAfter(restoringAt, null, LEADER);
        ha.awaitConverged("web", 6, CONVERGE);
        long convergedAt = System.currentTimeMillis();
        System.out.printf("[ha] etcd: one member (raft leader m%d) down: leader %s kept leading; quorum lost: %s "
                        + "stood down after %d ms ('%s'); etcd restored: %s led after %d ms, converged after %d ms%n",
                first, leader.id, leader.id, standDown, lost.message(), next.replica().id, next.at() - restoringAt,
                convergedAt - restoringAt);
        assertThat(standDown).as("ms from quorum loss to the leader standing down")
                .isLessThanOrEqualTo(HaHarness.TTL.plus(HaHarness.MARGIN).toMillis());
        ha.assertStaysConverged("web", 6, AT_REST);
        assertThat(ha.fileCount()).isEqualTo(6);
        ha.assertSafety();
    }

    /** Every LEADERSHIP gained/lost line logged at or after a moment, by any replica. */
    private List<LogLine> leadershipLines(long since) {
        List<LogLine> found = new ArrayList<>();
        for (ReplicaProcess r : ha.replicas) {
            found.addAll(r.all(l -> (l.gained() || l.lost()) && l.at() >= since));
        }
        return found;
    }

    /** The index of the member that is etcd's raft leader, from its metrics. */
    private int raftLeader() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        return HaHarness.awaitValue(Duration.ofSeconds(10), "an etcd raft leader", () -> {
            for (int i = 0; i < ha.etcd.size(); i++) {
                HttpRequest get = HttpRequest.newBuilder(URI.create(ha.etcd.endpoints().get(i) + "/metrics"))
                        .timeout(Duration.ofSeconds(2)).GET().build();
                try {
                    String metrics = http.send(get, HttpResponse.BodyHandlers.ofString()).body();
                    if (metrics.lines().anyMatch(l -> l.equals("etcd_server_is_leader 1"))) {
                        return i;
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
            }
            return null;
        });
    }

    private static void sleepUntil(long epochMillis) {
        long wait = epochMillis - System.currentTimeMillis();
        if (wait > 0) {
            ReplicaProcess.pause(wait);
        }
    }
}
