package io.infrakit.operator.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.infrakit.operator.events.Event;
import io.infrakit.operator.events.EventKind;
import io.infrakit.operator.events.EventStore;
import io.infrakit.operator.write.SpecHistory;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.store.testing.Await;
import io.infrakit.store.testing.EtcdCluster;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** What a running controller records in the events log, and the history entry of a spec put with etcdctl. */
class ControllerEventsIT {

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.single();

    @TempDir
    Path files;

    private static List<Event> events(OperatorFixture op, String id) {
        return new EventStore(op.store, op.keys).read(id).events();
    }

    private static boolean has(List<Event> events, EventKind kind, String text) {
        return events.stream().anyMatch(e -> e.kind() == kind && e.message().contains(text));
    }

    @Test
    void provisionsDestroysStateChangesAndTheDeleteAreRecorded() throws Exception {
        try (OperatorFixture op = new OperatorFixture(ETCD, "ctl-events", files, Duration.ofSeconds(30)).start()) {
            op.put("web", OperatorFixture.cattle("web", 2, "a"));
            op.awaitConverged("web", 2);
            List<InstanceDescription> first = op.instances("web");
            Await.until(Duration.ofSeconds(10), "provisions and the state recorded", () -> {
                List<Event> e = events(op, "web");
                return e.stream().filter(x -> x.kind() == EventKind.PROVISION).count() == 2
                        && has(e, EventKind.STATE, "converged");
            });
            List<Event> e = events(op, "web");
            assertThat(e).filteredOn(x -> x.kind() == EventKind.PROVISION).extracting(Event::instance)
                    .containsExactlyInAnyOrderElementsOf(first.stream().map(InstanceDescription::id).toList());
            assertThat(e).allSatisfy(x -> assertThat(x.actor()).isEqualTo("controller"));

            // A spec put with etcdctl: the leader records it in the history as written directly.
            assertThat(new SpecHistory(op.store, op.keys, Clock.systemUTC()).entries("web"))
                    .extracting(SpecHistory.Entry::writer).containsExactly(SpecHistory.DIRECT);

            op.store.delete(op.keys.group("web"));
            op.awaitInstances("web", 0);
            Await.until(Duration.ofSeconds(15), "destroys and the delete recorded", () -> {
                List<Event> all = events(op, "web");
                return all.stream().filter(x -> x.kind() == EventKind.DESTROY).count() == 2
                        && has(all, EventKind.DELETE, "status removed");
            });
        }
    }

    @Test
    void anInvalidSpecIsAnErrorEvent() {
        try (OperatorFixture op = new OperatorFixture(ETCD, "ctl-events-bad", files, Duration.ofSeconds(30))
                .start()) {
            op.put("bad", "{\"ID\":\"bad\",\"Properties\":{\"Allocation\":{\"Size\":-1}}}");
            Await.until(Duration.ofSeconds(10), "an error event", () -> events(op, "bad").stream()
                    .anyMatch(x -> x.kind() == EventKind.ERROR));
        }
    }
}
