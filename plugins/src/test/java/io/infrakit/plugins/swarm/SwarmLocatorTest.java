package io.infrakit.plugins.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import io.infrakit.plugins.spi.Allocation;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Which engines are asked about the swarm besides {@code Docker.Host}. No Docker needed. */
class SwarmLocatorTest {

    private static final SwarmSpec.Tls TLS = new SwarmSpec.Tls("ca.pem", "cert.pem", "key.pem", false);
    private static final Allocation PETS = Allocation.ofLogicalIds(List.of("10.0.0.1", "10.0.0.2", "10.0.0.3"));

    private final DockerConnections connections = new DockerConnections((host, ssl) -> {
        throw new AssertionError("no engine is asked here");
    });
    private final SwarmLocator locator = new SwarmLocator(connections);

    @AfterEach
    void close() {
        locator.close();
        connections.close();
    }

    private static List<String> hosts(List<SwarmSpec.Docker> engines) {
        return engines.stream().map(SwarmSpec.Docker::host).toList();
    }

    @Test
    void theOtherPetsAtTheirLogicalIdsThenTheManagersHeardOf() {
        SwarmSpec.Docker seed = new SwarmSpec.Docker("tcp://10.0.0.1:2376", TLS);

        assertThat(hosts(locator.others(seed, PETS, "10.0.0.1")))
                .containsExactly("tcp://10.0.0.2:2376", "tcp://10.0.0.3:2376");
        assertThat(locator.others(seed, PETS, "10.0.0.1")).allMatch(d -> d.tls() == TLS);

        locator.heardOf(seed, List.of("10.0.0.3:2377", "10.0.0.7:2377", "[fd00::9]:2377"));
        assertThat(hosts(locator.others(seed, PETS, "10.0.0.2")))
                .as("its own engine is no witness; the configured one is asked first anyway")
                .containsExactly("tcp://10.0.0.3:2376", "tcp://10.0.0.7:2376", "tcp://[fd00::9]:2376");
        assertThat(hosts(locator.others(seed, Allocation.ofSize(2), null)))
                .as("workers: the managers heard of")
                .containsExactly("tcp://10.0.0.3:2376", "tcp://10.0.0.7:2376", "tcp://[fd00::9]:2376");
    }

    @Test
    void aDockerHostThatIsNoNetworkAddressNamesNoOtherEngine() {
        assertThat(locator.others(new SwarmSpec.Docker("unix:///var/run/docker.sock", null), PETS, null)).isEmpty();
        assertThat(locator.others(new SwarmSpec.Docker("", TLS), PETS, null)).isEmpty();
        assertThat(new SwarmSpec.Docker("tcp://lb.example:2375", null).atHost("10.0.0.2"))
                .isEqualTo(new SwarmSpec.Docker("tcp://10.0.0.2:2375", null));
    }

    @Test
    void managerAddressesToHosts() {
        assertThat(SwarmLocator.hostOf("10.0.0.1:2377")).isEqualTo("10.0.0.1");
        assertThat(SwarmLocator.hostOf("[fd00::1]:2377")).isEqualTo("fd00::1");
        assertThat(SwarmLocator.hostOf("mgr-1")).isEqualTo("mgr-1");
        assertThat(SwarmLocator.hostOf("fd00::1")).isEqualTo("fd00::1");
        assertThat(SwarmLocator.hostOf("")).isNull();
    }
}
