package io.infrakit.operator.cli;

import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** This replica in the leader election ({@code infrakit up}): its name, its lease, and when it stops acting. */
final class ElectionOptions {

    @Option(names = "--id", defaultValue = "${env:INFRAKIT_ID}", paramLabel = "ID",
            description = "This replica's name in the election (env INFRAKIT_ID, default host:pid).")
    String id;

    @Option(names = "--lease-ttl", defaultValue = "5s", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "Leader lease TTL, whole seconds (default ${DEFAULT-VALUE}): how long a crashed leader "
                    + "holds the election before a standby takes over.")
    Duration leaseTtl;

    @Option(names = "--leader-margin", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "The leader stops acting this long before its lease could expire unconfirmed "
                    + "(default: a quarter of the TTL, at least 200ms).")
    Duration leaderMargin;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /** The name asked for; null for the default. */
    String id() {
        return id;
    }

    Duration leaseTtl() {
        return leaseTtl;
    }

    /** The leader's margin, checked against the lease TTL (timings that would make the leader flap: usage error). */
    Duration margin() {
        Duration margin = leaderMargin != null ? leaderMargin
                : Duration.ofMillis(Math.max(200, leaseTtl.toMillis() / 4));
        checkLeaseTimings(margin);
        return margin;
    }

    /** The lease must outlive a renewal (every third of the TTL) plus the margin, or the leader would flap. */
    private void checkLeaseTimings(Duration margin) {
        long ttl = leaseTtl.toMillis();
        if (ttl < 1000 || ttl % 1000 != 0) {
            throw new ParameterException(command.commandLine(),
                    "--lease-ttl must be whole seconds, at least 1s (etcd leases count seconds)");
        }
        if (margin.isNegative() || margin.toMillis() >= ttl * 2 / 3) {
            throw new ParameterException(command.commandLine(), "--leader-margin " + margin.toMillis()
                    + "ms must be below two thirds of the lease TTL (" + ttl * 2 / 3 + "ms): the lease is renewed"
                    + " every third of its TTL, and a renewal must fit before the leader's deadline");
        }
    }
}
