package io.infrakit.operator.metrics;

import io.infrakit.operator.election.Replica;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicBoolean;

/** {@code leader_election_master_status{name}} and {@code infrakit_leader_transitions_total}. */
final class LeaderMetrics {

    private final MeterRegistry registry;
    private final Runnable onLostLead;
    private final Counter transitions;
    private final AtomicBoolean leading = new AtomicBoolean();

    LeaderMetrics(MeterRegistry registry, Runnable onLostLead) {
        this.registry = registry;
        this.onLostLead = onLostLead;
        this.transitions = Counter.builder("infrakit_leader_transitions")
                .description("Changes of this replica's leader status (gained or lost)").register(registry);
    }

    void bind(Replica replica) {
        Gauge.builder("leader_election_master_status", replica, r -> r.isLeader() ? 1 : 0)
                .description("1 while this replica leads").tag("name", OperatorMetrics.ELECTION).register(registry);
        replica.onTransition(() -> {
            boolean now = replica.isLeader();
            if (leading.getAndSet(now) != now) {
                transitions.increment();
            }
            if (!now) {
                onLostLead.run();
            }
        });
    }
}
