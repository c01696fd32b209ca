package io.infrakit.store.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class LocalPortsTest {

    @Test
    void portsComeFromBelowTheEphemeralRange() {
        Assumptions.assumeTrue(Files.exists(Path.of("/proc/sys/net/ipv4/ip_local_port_range")), "Linux only");
        int low = LocalPorts.ephemeralLow();
        assertThat(low).as("the range's first port, read from /proc").isGreaterThan(1023);
        Assumptions.assumeTrue(low > 21000, "a range that leaves room below it");
        assertThat(java.util.Arrays.stream(LocalPorts.free(3)).boxed()).allMatch(p -> p >= 20000 && p < low)
                .doesNotHaveDuplicates();
    }
}
