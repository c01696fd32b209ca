package io.infrakit.store.etcd;

import io.infrakit.store.StoreConfig;
import io.infrakit.store.election.Election;
import io.infrakit.store.testing.EtcdCluster;
import io.infrakit.store.testing.RecordingElectionListener;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One etcd member stops answering while its TCP connections stay up (SIGSTOP: the kernel still holds them, nothing
 * replies), as in a network partition that drops packets. The client must leave that member while the others
 * answer: requests keep succeeding, and a standby takes over from a leader that lost etcd about a TTL later.
 */
class EtcdSilentMemberIT {

    private static final long TTL = 5;

    @Test
    void requestsLeaveASilentMemberWhileTheOthersAnswer() throws Exception {
        silentMember(false);
    }

    /**
     * Not in the default run yet: in about one full test run of three on this machine the standby is not elected
     * within 35 s (it passes alone); see docs/reliability.md. Run it with -DexcludedTestGroups=none.
     */
    @Test
    @Tag("open-issue")
    void standbyTakesOverFromALeaderThatLostEtcd() throws Exception {
        silentMember(true);
    }

    private void silentMember(boolean awaitTakeover) throws Exception {
        try (EtcdCluster etcd = EtcdCluster.ofSize(3).start()) {
            EtcdServer silent = etcd.member(0);
            // The leader reaches etcd only through the member that falls silent: it loses etcd altogether.
            EtcdStore leaderStore = new EtcdStore(StoreConfig.of(silent.clientUrl()));
            EtcdStore standbyStore = etcd.newStore();
            RecordingElectionListener leader = new RecordingElectionListener();
            RecordingElectionListener standby = new RecordingElectionListener();
            String prefix = EtcdCluster.uniquePrefix("silent") + "leader";
            try (leaderStore;
                 Election ea = new Election(leaderStore, prefix, "a", TTL, leader);
                 Election eb = new Election(standbyStore, prefix, "b", TTL, standby)) {
                ea.campaign();
                leader.awaitElected(1, Duration.ofSeconds(5));
                eb.campaign();
                await("b waiting").atMost(Duration.ofSeconds(5)).until(() -> eb.waitingFor().isPresent());
                for (int i = 0; i < 6; i++) {
                    standbyStore.put(prefix + "/warm", "x" + i); // a connection to every member
                }

                long stoppedAt = System.nanoTime();
                signal("STOP", silent.pid());
                try {
                    long slowest = 0;
                    for (int i = 0; i < 5; i++) {
                        long t0 = System.nanoTime();
                        standbyStore.put(prefix + "/data", "v" + i);
                        assertThat(standbyStore.get(prefix + "/data").orElseThrow().value()).isEqualTo("v" + i);
                        slowest = Math.max(slowest, System.nanoTime() - t0);
                    }
                    System.out.printf("silent member: slowest put+get %d ms%n", slowest / 1_000_000);
                    assertThat(Duration.ofNanos(slowest)).isLessThan(Duration.ofSeconds(8));
                    if (!awaitTakeover) {
                        return;
                    }

                    RecordingElectionListener.Call next = standby.awaitElected(1, Duration.ofSeconds(TTL + 30));
                    long takeover = (next.nanos() - stoppedAt) / 1_000_000;
                    System.out.printf("silent member: standby took over %d ms after the member fell silent "
                            + "(TTL %d s)%n", takeover, TTL);
                    assertThat(takeover).isLessThan((TTL + 4) * 1000);
                    assertThat(eb.isLeader()).isTrue();
                } finally {
                    signal("CONT", silent.pid());
                }
            }
        }
    }

    private static void signal(String name, long pid) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start();
        assertThat(kill.waitFor()).as("kill -" + name + " " + pid).isZero();
    }
}
