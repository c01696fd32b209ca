package io.infrakit.operator.cli;

import io.infrakit.operator.election.ReplicaIdentity;
import io.infrakit.store.Store;
import io.infrakit.store.election.Candidate;
import io.infrakit.store.election.Election;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code infrakit leader}: the current leader and the standbys, oldest candidate first. */
@Command(name = "leader", description = "Show the leader replica and the standbys.")
final class LeaderCommand implements Callable<Integer> {

    @Mixin
    EtcdOptions etcd;
    @Mixin
    OutputOptions output;
    @Mixin
    WatchOption watch;

    @Override
    public Integer call() throws Exception {
        try (Store store = Stores.open(etcd)) {
            if (watch.watch) {
                return Redraw.loop(KeyWatch.prefixes(store, etcd.keys().leader()), output.json(),
                        () -> show(store, true));
            }
            return show(store, false);
        }
    }

    private int show(Store store, boolean oneLine) {
        List<Candidate> candidates = Election.candidates(store, etcd.keys().leader());
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            Candidate c = candidates.get(i);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("Role", i == 0 ? "leader" : "standby");
            row.put("Replica", ReplicaIdentity.parse(c.value()));
            row.put("Key", c.key());
            row.put("CreateRevision", c.createRevision());
            rows.add(row);
        }
        if (output.json()) {
            OutputOptions.printJson(rows, oneLine);
            return candidates.isEmpty() ? 1 : 0;
        }
        if (candidates.isEmpty()) {
            System.out.println("No replica is running under " + etcd.keys().leader());
            return 1;
        }
        System.out.printf("%-8s %-28s %-20s %-8s %-10s %s%n", "ROLE", "ID", "HOST", "PID", "VERSION", "SINCE");
        for (Map<String, Object> row : rows) {
            ReplicaIdentity r = (ReplicaIdentity) row.get("Replica");
            System.out.printf("%-8s %-28s %-20s %-8d %-10s %s%n", row.get("Role"), r.id(), r.host(), r.pid(),
                    r.version(), r.since());
            r.warnings().forEach(w -> System.out.printf("%-8s warning: %s%n", "", w));
        }
        return 0;
    }
}
