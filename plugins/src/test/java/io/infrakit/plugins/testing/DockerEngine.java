package io.infrakit.plugins.testing;

import com.github.dockerjava.api.DockerClient;
import io.infrakit.plugins.docker.DockerClients;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.utility.DockerImageName;

/**
 * The Docker engine tests run against: the one at {@code DOCKER_HOST} ({@code ./run-tests} starts a private engine and
 * sets it). Without a reachable engine, tests are skipped on a developer machine and fail under CI, so a broken CI
 * engine can never pass silently.
 *
 * <p>A test's own containers and networks are Testcontainers' (the build sets its environment: no reaper, the engine
 * on this host, API 1.41 in {@code docker-java.properties}); without a reaper, tests close them in their teardown.
 */
public final class DockerEngine {

    private static volatile DockerClient client;

    private DockerEngine() {
    }

    /** The engine's address. */
    public static String host() {
        return DockerClients.defaultHost();
    }

    /** A shared client; skips (or, under CI, fails) the calling test when no engine answers. */
    public static DockerClient client() {
        DockerClient c = client;
        if (c != null) {
            return c;
        }
        synchronized (DockerEngine.class) {
            if (client == null) {
                DockerClient candidate = DockerClients.connect(host());
                try {
                    candidate.pingCmd().exec();
                } catch (RuntimeException e) {
                    String why = "no Docker engine at " + host() + ": " + e.getMessage();
                    if ("true".equals(System.getenv("CI"))) {
                        throw new AssertionError(why + " (./run-tests starts one)", e);
                    }
                    Assumptions.abort(why);
                }
                client = candidate;
            }
            return client;
        }
    }

    /** A container of a locally built image ({@link TestImages}): there is no registry, so it is never pulled. */
    public static GenericContainer<?> container(String image) {
        client();
        return new GenericContainer<>(DockerImageName.parse(image)).withImagePullPolicy(name -> false);
    }

    /**
     * A bridge network named {@code name} on {@code subnet} (new containers get addresses from {@code ipRange}, or
     * the whole subnet when null), made on first use and removed by {@code close()}. A leftover of that name, from a
     * run that was killed, is removed first.
     */
    public static Network network(String name, String subnet, String ipRange) {
        DockerClient docker = client();
        docker.listNetworksCmd().withNameFilter(name).exec().stream().filter(n -> n.getName().equals(name))
                .forEach(n -> docker.removeNetworkCmd(n.getId()).exec());
        var ipam = new com.github.dockerjava.api.model.Network.Ipam.Config().withSubnet(subnet);
        if (ipRange != null) {
            ipam.withIpRange(ipRange);
        }
        return Network.builder().driver("bridge").createNetworkCmdModifier(cmd -> cmd.withName(name)
                .withIpam(new com.github.dockerjava.api.model.Network.Ipam().withConfig(ipam))).build();
    }
}
