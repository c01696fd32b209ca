package io.infrakit.plugins.testing;

import com.github.dockerjava.api.DockerClient;
import io.infrakit.plugins.docker.DockerClients;
import org.junit.jupiter.api.Assumptions;

/**
 * The Docker engine tests run against: the one at {@code DOCKER_HOST} ({@code ./run-tests} starts a private engine and
 * sets it). Without a reachable engine, tests are skipped on a developer machine and fail under CI, so a broken CI
 * engine can never pass silently.
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
}
