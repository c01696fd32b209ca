package io.infrakit.bench.chaos;

import io.infrakit.bench.chaos.Faults.Outcome;
import io.infrakit.bench.chaos.LabCluster.Leadership;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * The faults of the bounded chaos run, each injected on whatever the cluster looks like at that moment (the leader
 * of now, a random member or replica), held for a few seconds, healed, and measured the same way: how long until a
 * new leader took over (when the fault deposed one) and how long from the end of the fault until every group
 * matched its spec again.
 */
final class MixFaults {

    /**
     * One injection. {@code takeoverMs}: from the injection to a new leader (-1: the leader stayed);
     * {@code recoveryMs}: from the end of the fault to every group converged (-1: not within the bound);
     * {@code problem}: what must not have happened and did (null: nothing).
     */
    record Injection(String kind, long at, long takeoverMs, long recoveryMs, String problem, List<String> notes) {
    }

    static final List<String> KINDS = List.of("leader-minority", "leader-deaf", "raft-leader-deaf", "latency-loss",
            "nospace", "sigstop-leader", "etcd-restart", "kill-replica");

    private final LabCluster lab;
    private final LabGroups groups;
    private final Faults faults;
    private final Random random;
    private final int ttlSeconds;

    MixFaults(LabRun run, Random random, int ttlSeconds) {
        this.lab = run.lab;
        this.groups = run.groups;
        this.faults = run.faults;
        this.random = random;
        this.ttlSeconds = ttlSeconds;
    }

    Injection inject(String kind) throws Exception {
        if (kind.equals("nospace")) {
            return space();
        }
        long[] now = faults.leaderNow();
        int leader = (int) now[0];
        long term = now[1];
        int before = lab.leaderships.size();
        List<String> notes = new ArrayList<>();
        String problem = null;
        boolean deposed = false;
        long t0 = lab.now();
        switch (kind) {
            case "leader-minority" -> {
                int minority = 1 + random.nextInt(LabNetwork.MEMBERS);
                lab.leaderInMinority(leader, minority);
                notes.add("o" + leader + " reaches only e" + minority + ", which is cut from its peers");
                holdUntilTakeover(term, t0);
            }
            case "leader-deaf" -> {
                lab.deafen(leader);
                notes.add("o" + leader + " hears nothing from etcd");
                holdUntilTakeover(term, t0);
            }
            case "raft-leader-deaf" -> {
                int member = faults.raftLeader();
                lab.deafenMember(member);
                Thread.sleep(4000 + random.nextInt(4000));
                notes.add("raft leader e" + member + " deaf; raft leader then e" + faults.raftLeader());
            }
            case "latency-loss" -> {
                for (int r = 1; r <= LabNetwork.REPLICAS; r++) {
                    lab.latency(r, 100);
                    lab.net.loss(lab.net.operatorNs(r), 0.05);
                }
                Thread.sleep(8000 + random.nextInt(4000));
                int changes = lab.leaderships.size() - before;
                notes.add("200 ms more round trip and 5 % loss for " + (lab.now() - t0) + " ms; leader changes: "
                        + changes);
                if (changes > 0) {
                    problem = "leadership changed under 200 ms latency and 5 % loss";
                }
            }
            case "sigstop-leader" -> {
                LabProcess p = lab.replica(leader);
                p.pause();
                holdUntilTakeover(term, t0);
                Thread.sleep(Math.max(0, t0 + ttlSeconds * 1000L + 1000 - lab.now())); // past its TTL
                p.cont();
                notes.add("o" + leader + " stopped " + (lab.now() - t0) + " ms, then continued");
            }
            case "etcd-restart" -> {
                int member = 1 + random.nextInt(LabNetwork.MEMBERS);
                Duration down = Duration.ofMillis(500 + random.nextInt(2500));
                lab.restartMember(member, down);
                notes.add("e" + member + " killed -9, restarted " + down.toMillis() + " ms later");
            }
            case "kill-replica" -> {
                int r = random.nextBoolean() ? leader : 1 + random.nextInt(LabNetwork.REPLICAS);
                deposed = r == leader;
                lab.replica(r).kill9();
                Thread.sleep(1000 + random.nextInt(2000));
                lab.startReplica(r);
                notes.add("o" + r + (r == leader ? " (the leader)" : "") + " killed -9, restarted");
            }
            default -> throw new IllegalArgumentException("no such fault: " + kind);
        }
        lab.heal();
        long ended = lab.now();
        if (deposed) { // a leader killed -9 holds its lease until the TTL: the group is served once it is over
            faults.takeoverAfter(term, t0, Duration.ofSeconds(30));
        }
        long converged = faults.awaitConverged(Faults.CONVERGE) < 0 ? -1 : lab.now() - ended;
        Optional<Leadership> next = firstAfter(term, t0);
        long takeover = next.map(l -> l.at() - t0).orElse(-1L);
        next.ifPresent(l -> notes.add(l.replica() + " (term " + l.term() + ") took over " + takeover + " ms after "
                + "the injection"));
        if (converged < 0 && problem == null) {
            problem = "not converged within " + Faults.CONVERGE.toSeconds() + " s of the end of the fault";
        }
        return new Injection(kind, t0, takeover, converged, problem, notes);
    }

    /** Holds the fault until a newer term leads (at most 30 s), then one more second. */
    private void holdUntilTakeover(long term, long t0) throws InterruptedException {
        faults.takeoverAfter(term, t0, Duration.ofSeconds(30));
        Thread.sleep(1000);
    }

    private Optional<Leadership> firstAfter(long term, long since) {
        return lab.leaderships.stream().filter(l -> l.term() > term && l.at() >= since).findFirst();
    }

    /** etcd filled until NOSPACE, then reclaimed; recovery counts from the start of reclaiming. */
    private Injection space() throws Exception {
        long t0 = lab.now();
        Outcome o = new SpaceFault(lab, groups, faults).run();
        return new Injection("nospace", t0, -1, o.recoveryMs(), o.recoveryMs() < 0
                ? "etcd out of space: " + String.join("; ", o.notes()) : null, o.notes());
    }
}
