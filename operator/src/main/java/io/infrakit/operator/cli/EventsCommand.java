package io.infrakit.operator.cli;

import io.infrakit.operator.events.Event;
import io.infrakit.operator.events.EventStore;
import io.infrakit.store.Store;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code infrakit events [ID] [-w]}: what happened to the groups, newest last. */
@Command(name = "events", description = {"Show what happened to a group (or to all): state changes, errors, "
        + "instances provisioned and destroyed, commits, deletes, pauses and rollbacks with who made them; newest "
        + "last. The last " + EventStore.KEEP + " of each group are kept."})
final class EventsCommand implements Callable<Integer> {

    @Mixin
    EtcdOptions etcd;
    @Mixin
    OutputOptions output;
    @Mixin
    WatchOption watch;

    @Parameters(paramLabel = "ID", arity = "0..1", description = "One group; default: all.",
            completionCandidates = Completions.Groups.class)
    String id;

    @Option(names = {"-n", "--tail"}, paramLabel = "N", description = "Only the last N events (default: all kept).")
    int tail;

    @SuppressWarnings("try") // resources held open for the block, not used by name
    @Override
    public Integer call() throws Exception {
        if (tail < 0) {
            throw new UsageError("--tail takes a number of events, 0 or more", null);
        }
        try (Store store = Stores.open(etcd)) {
            EventStore events = new EventStore(store, etcd.keys());
            EventStore.Snapshot snapshot = events.read(id);
            List<Event> shown = snapshot.events();
            if (tail > 0 && shown.size() > tail) {
                shown = shown.subList(shown.size() - tail, shown.size());
            }
            if (output.json() && !watch.watch) {
                OutputOptions.printJson(shown, false);
                return 0;
            }
            if (!output.json()) {
                System.out.printf("%-24s %-16s %-9s %-24s %s%n", "TIME", "GROUP", "KIND", "ACTOR", "MESSAGE");
            }
            shown.forEach(this::print);
            if (!watch.watch) {
                return 0;
            }
            System.out.flush();
            try (Store.Watch w = events.follow(id, snapshot.revision(), this::print)) {
                new CountDownLatch(1).await(); // until Ctrl-C
            }
            return 0;
        }
    }

    private synchronized void print(Event e) {
        if (output.json()) {
            OutputOptions.printJson(e, true);
        } else {
            System.out.printf("%-24s %-16s %-9s %-24s %s%n", e.time(), e.group(), e.kind(),
                    e.actor() == null ? "-" : e.actor(), e.message());
        }
        System.out.flush();
    }
}
