package io.infrakit.store.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class LocalPortsTest {

    @Test
    void portsForProcessesStartedLaterComeFromBelowTheEphemeralRange() {
        int low = LocalPorts.ephemeralLow();
        assertThat(low).as("the kernel's first ephemeral port (32768 unless configured)").isGreaterThan(1024);
        assumeTrue(low - 20_000 > 1000, "an ephemeral range that leaves room below it");
        assertThat(IntStream.of(LocalPorts.free(10)).boxed().toList()).hasSize(10).doesNotHaveDuplicates()
                .allSatisfy(port -> assertThat(port).isBetween(20_000, low - 1));
    }
}
