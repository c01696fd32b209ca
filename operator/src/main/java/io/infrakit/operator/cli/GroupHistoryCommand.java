package io.infrakit.operator.cli;

import io.infrakit.operator.write.SpecHistory;
import io.infrakit.store.KeyValue;
import io.infrakit.store.Store;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code infrakit group history ID}: the specs recorded for rollback, with when and by whom they were written. */
@Command(name = "history", description = {"List the specs recorded for a group (the last " + SpecHistory.KEEP
        + "): revision, time, who wrote them (cli, sync, group-socket, controller, or etcd: written directly) and "
        + "config. Print one with infrakit group get ID --revision REV; go back to one with infrakit group rollback "
        + "ID --to REV."})
final class GroupHistoryCommand extends GroupIdCommand {

    @Override
    public Integer call() {
        List<SpecHistory.Entry> entries;
        long current;
        try (Store store = Stores.open(etcd)) {
            current = store.get(etcd.keys().group(id)).map(KeyValue::modRevision).orElse(0L);
            entries = new SpecHistory(store, etcd.keys(), Clock.systemUTC()).entries(id);
        }
        if (entries.isEmpty() && current == 0) {
            System.err.println("Group '" + id + "' is not being watched, and no spec of it is recorded");
            return 1;
        }
        if (output.json()) {
            List<Map<String, Object>> out = new ArrayList<>();
            for (SpecHistory.Entry e : entries) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("Revision", e.revision());
                m.put("Time", e.time());
                m.put("Writer", e.writer());
                m.put("By", e.by());
                m.put("ConfigSHA", e.configSha());
                m.put("Current", e.revision() == current);
                m.put("Spec", e.spec());
                out.add(m);
            }
            OutputOptions.printJson(out, false);
            return 0;
        }
        System.out.printf("%-9s %-24s %-13s %-24s %-34s %s%n", "REVISION", "TIME", "WRITER", "BY", "CONFIG", "");
        for (SpecHistory.Entry e : entries) {
            System.out.printf("%-9d %-24s %-13s %-24s %-34s %s%n", e.revision(), dash(e.time()), dash(e.writer()),
                    dash(e.by()), e.configSha(), e.revision() == current ? "current" : "");
        }
        if (current != 0 && entries.stream().noneMatch(e -> e.revision() == current)) {
            System.out.println("(the current spec, revision " + current + ", is not recorded yet: the leader records "
                    + "a spec written directly to etcd when it acts on it)");
        }
        return 0;
    }

    private static String dash(String s) {
        return s == null ? "-" : s;
    }
}
