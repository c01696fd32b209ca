package io.infrakit.bench.chaos;

import io.infrakit.bench.chaos.Faults.Outcome;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * etcd out of space: the members' backend quota is filled until etcd raises its NOSPACE alarm. Specs cannot be
 * written; the operator must keep the instances as they are (replacing a dead one is fine, destroying is not), say
 * so in its health and logs, and recover once the space is reclaimed (compaction, defragmentation, disarm).
 */
final class SpaceFault {

    private static final String JUNK = "/lab-junk/";

    private final LabCluster lab;
    private final LabGroups groups;
    private final Faults faults;

    SpaceFault(LabCluster lab, LabGroups groups, Faults faults) {
        this.lab = lab;
        this.groups = groups;
        this.faults = faults;
    }

    Outcome run() throws Exception {
        List<String> notes = new ArrayList<>();
        int leader = lab.awaitLeader(Duration.ofSeconds(30));
        String value = "x".repeat(1 << 20);
        int puts = 0;
        long t0 = lab.now();
        String refusal = null;
        while (refusal == null && puts < 400) {
            try {
                lab.store.put(JUNK + puts, value);
                puts++;
            } catch (RuntimeException e) {
                if (String.valueOf(e.getMessage()).contains("space")) {
                    refusal = e.getMessage();
                } else {
                    Thread.sleep(200);
                }
            }
        }
        if (refusal == null) {
            return new Outcome("etcd out of space (NOSPACE)", -1,
                    List.of("etcd took " + puts + " MiB without raising NOSPACE"));
        }
        long full = lab.now();
        notes.add("NOSPACE after " + puts + " MiB (" + (full - t0) + " ms): " + refusal);
        String alarms = Shell.run("etcdctl", "--endpoints", lab.allEndpoints(), "alarm", "list").strip();
        notes.add("alarms: " + alarms.replace('\n', ' '));

        // While full: a spec cannot be written; instances stay; the operator says so.
        try {
            groups.cattle("web", groups.size("web") + 1);
            notes.add("a spec write went through while full (unexpected)");
        } catch (RuntimeException e) {
            notes.add("spec write refused while full, as expected");
        }
        Thread.sleep(8000);
        long destroys = lab.plugin.calls().stream()
                .filter(c -> c.at() >= full && c.done() && c.method().equals("Destroy")).count();
        long provisions = lab.plugin.calls().stream()
                .filter(c -> c.at() >= full && c.done() && c.method().equals("Provision")).count();
        notes.add("while full: " + destroys + " Destroy (target 0), " + provisions
                + " Provision (dead machines replaced)");
        leader = lab.awaitLeader(Duration.ofSeconds(30));
        String healthWhileFull = health(leader);
        notes.add("o" + leader + " /healthz: " + healthWhileFull);
        List<String> logged = lab.replica(leader).lines("space");
        notes.add("o" + leader + " log lines about it: " + logged.size()
                + (logged.isEmpty() ? "" : "; first: " + logged.get(0).strip()));

        // Reclaim: delete, compact, defragment every member, disarm.
        long r0 = lab.now();
        Shell.run("etcdctl", "--endpoints", lab.allEndpoints(), "del", "--prefix", JUNK);
        String rev = Shell.run("etcdctl", "--endpoints", lab.allEndpoints(), "endpoint", "status", "-w", "fields");
        long revision = revision(rev);
        Shell.run("etcdctl", "--endpoints", lab.allEndpoints(), "compact", Long.toString(revision), "--physical");
        for (int m = 1; m <= LabNetwork.MEMBERS; m++) {
            Shell.run("etcdctl", "--endpoints", lab.memberEndpoint(m), "--command-timeout", "60s", "defrag");
        }
        Shell.run("etcdctl", "--endpoints", lab.allEndpoints(), "alarm", "disarm");
        long disarmed = lab.now();
        notes.add("deleted, compacted at " + revision + ", defragmented and disarmed in " + (disarmed - r0) + " ms");
        groups.cattle("web", groups.size("web") + 1);
        long converge = faults.awaitConverged(Faults.CONVERGE);
        notes.add("a spec change after the disarm converged in " + converge + " ms");
        String healthAfter = awaitHealthy(Duration.ofSeconds(10));
        notes.add("/healthz " + (healthAfter == null ? "200 " + (lab.now() - disarmed) + " ms after the disarm"
                : "still not 200 10 s after the disarm: " + healthAfter));
        boolean said = healthWhileFull.contains("NOSPACE");
        if (!said) {
            notes.add("the leader's /healthz did not say etcd is out of space");
        }
        long recovery = converge < 0 || destroys > 0 || !said || healthAfter != null ? -1 : lab.now() - r0;
        return new Outcome("etcd out of space (NOSPACE), reclaimed", recovery, notes);
    }

    private static long revision(String fields) {
        long max = 0;
        for (String line : fields.split("\n")) {
            if (line.startsWith("\"Revision\"")) {
                max = Math.max(max, Long.parseLong(line.replaceAll("[^0-9]", "")));
            }
        }
        return max;
    }

    /** Waits until the leader's /healthz answers 200; null then, else its last answer. */
    private String awaitHealthy(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last;
        do {
            last = health(lab.awaitLeader(Duration.ofSeconds(30)));
            if (last.startsWith("200")) {
                return null;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        return last;
    }

    private String health(int replica) {
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://"
                            + lab.net.operatorIp(replica) + ":8080/healthz?verbose")).timeout(Duration.ofSeconds(3))
                            .build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() + " " + r.body().strip().replace('\n', ' ');
        } catch (Exception e) {
            return "no answer: " + e;
        }
    }
}
