package io.infrakit.bench.chaos;

import io.infrakit.bench.chaos.LabCluster.Leadership;
import io.infrakit.bench.chaos.RecordingPlugin.Call;
import io.infrakit.plugins.json.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The faults, each injected for real, measured and healed: what happened is one {@link Outcome} per injection.
 */
final class Faults {

    /** One fault injected: its kind, how long until the system recovered (-1: it did not), and what was seen. */
    record Outcome(String kind, long recoveryMs, List<String> notes) {
    }

    static final Duration CONVERGE = Duration.ofSeconds(90);

    private final LabCluster lab;
    private final LabGroups groups;
    private final Consumer<String> out;

    Faults(LabCluster lab, LabGroups groups, Consumer<String> out) {
        this.lab = lab;
        this.groups = groups;
        this.out = out;
    }

    /** Waits until every group matches its spec; the time it took, or -1. */
    long awaitConverged(Duration timeout) throws InterruptedException {
        long start = lab.now();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (groups.allConverged()) {
                return lab.now() - start;
            }
            Thread.sleep(100);
        }
        return -1;
    }

    /**
     * Waits until the operator's leader has not changed for {@code quiet} (at most a minute), so that one fault's
     * after-effects (etcd electing its own leader again, say) are not counted against the next.
     */
    void settle(Duration quiet) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            List<Leadership> seen = List.copyOf(lab.leaderships);
            long last = seen.isEmpty() ? 0 : seen.get(seen.size() - 1).at();
            if (lab.now() - last >= quiet.toMillis() && groups.allConverged()) {
                return;
            }
            Thread.sleep(200);
        }
    }

    /** The term (election key create revision) leading now, and its replica. */
    long[] leaderNow() throws InterruptedException {
        int r = lab.awaitLeader(Duration.ofSeconds(60));
        long term = io.infrakit.store.election.Election.currentLeader(lab.store, LabCluster.PREFIX + "/leader/")
                .orElseThrow().createRevision();
        return new long[] {r, term};
    }

    Optional<Leadership> takeoverAfter(long term, long since, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (Leadership l : lab.leaderships) {
                if (l.term() > term && l.at() >= since) {
                    return Optional.of(l);
                }
            }
            Thread.sleep(20);
        }
        return Optional.empty();
    }

    private long lastCallOf(long term) {
        return lab.plugin.calls().stream().filter(c -> c.term() == term).mapToLong(Call::at).max().orElse(-1);
    }

    /**
     * The leader cut from the etcd majority, still reaching one member (which is itself cut from its peers: a
     * minority member serving the leader) and its plugins. It must stop calling plugins before a new leader is
     * elected; the new leader takes over; after healing, everything converges.
     */
    Outcome leaderInMinority(boolean asymmetric) throws Exception {
        long[] now = leaderNow();
        int leader = (int) now[0];
        long term = now[1];
        int minority = 1 + (leader % LabNetwork.MEMBERS); // any member: the cut is what matters
        String kind = asymmetric ? "leader hears nothing from etcd (its requests still arrive)"
                : "leader cut from the etcd majority, a minority member serving it";
        long t0 = lab.now();
        if (asymmetric) {
            lab.deafen(leader);
        } else {
            lab.leaderInMinority(leader, minority);
        }
        List<String> notes = new ArrayList<>();
        Optional<Leadership> next = takeoverAfter(term, t0, Duration.ofSeconds(60));
        Thread.sleep(3000); // the deposed leader still runs, still reaches its plugin: does it call?
        long lastOld = lastCallOf(term);
        lab.heal();
        if (next.isEmpty()) {
            notes.add("no new leader within 60 s");
        } else {
            Leadership l = next.get();
            notes.add("o" + leader + " (term " + term + ") cut at " + t0 + " ms; " + l.replica() + " (term " + l.term()
                    + ") took over " + (l.at() - t0) + " ms later");
            notes.add(lastOld < 0 ? "the old leader made no call during the fault"
                    : lastOld < l.at() ? "the old leader's last call came " + (l.at() - lastOld)
                    + " ms before the takeover" : "the old leader called " + (lastOld - l.at())
                    + " ms AFTER the takeover");
        }
        long converge = awaitConverged(CONVERGE);
        notes.add("healed; converged " + converge + " ms later");
        long recovery = next.isEmpty() || converge < 0 ? -1 : next.get().at() - t0;
        return report(new Outcome(kind, recovery, notes));
    }

    /** The etcd raft leader receives nothing from its peers (what it sends still arrives). */
    Outcome raftLeaderDeaf(Duration duration) throws Exception {
        int member = raftLeader();
        long t0 = lab.now();
        int before = lab.leaderships.size();
        lab.deafenMember(member);
        Thread.sleep(duration.toMillis());
        int raftAfter = raftLeader();
        int changes = lab.leaderships.size() - before;
        lab.heal();
        long converge = awaitConverged(CONVERGE);
        return report(new Outcome("etcd raft leader deaf to its peers (asymmetric)", converge,
                List.of("raft leader e" + member + " deaf for " + duration.toSeconds() + " s; raft leader then e" + raftAfter
                        + "; operator leader changes meanwhile: " + changes, "healed; converged " + converge
                        + " ms later")));
    }

    /** Latency and loss between every replica and etcd: the leader must not change. */
    Outcome latencyAndLoss(long millisEachWay, double loss, Duration duration) throws Exception {
        int before = lab.leaderships.size();
        long t0 = lab.now();
        for (int r = 1; r <= LabNetwork.REPLICAS; r++) {
            lab.latency(r, millisEachWay);
            lab.net.loss(lab.net.operatorNs(r), loss);
        }
        Thread.sleep(duration.toMillis());
        int changes = lab.leaderships.size() - before;
        long calls = lab.plugin.calls().stream().filter(c -> c.at() >= t0 && c.done()).count();
        lab.heal();
        long converge = awaitConverged(CONVERGE);
        return report(new Outcome("latency " + 2 * millisEachWay + " ms round trip, " + Math.round(loss * 100)
                + " % loss, " + duration.toSeconds() + " s", changes == 0 ? converge : -1,
                List.of("leader changes: " + changes + " (target 0)", calls + " plugin calls done meanwhile",
                        "converged " + converge + " ms after the network was healed")));
    }

    /** Which member leads the raft (1-based). */
    int raftLeader() {
        String json = Shell.run("etcdctl", "--endpoints", lab.allEndpoints(), "endpoint", "status", "-w", "json");
        JsonNode all = Json.parse(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        for (JsonNode e : all) {
            JsonNode s = e.path("Status");
            if (s.path("header").path("member_id").asLong() == s.path("leader").asLong()) {
                String ep = e.path("Endpoint").asText();
                for (int m = 1; m <= LabNetwork.MEMBERS; m++) {
                    if (ep.equals(lab.memberEndpoint(m))) {
                        return m;
                    }
                }
            }
        }
        return 0;
    }

    Outcome report(Outcome o) {
        out.accept(String.format("  %-66s recovered in %s", o.kind(), o.recoveryMs() < 0 ? "NEVER" : o.recoveryMs()
                + " ms"));
        o.notes().forEach(n -> out.accept("      " + n));
        return o;
    }
}
