package io.infrakit.plugins.testing;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Images built locally for tests (there is no registry): a busybox image {@code FROM scratch}, and a "node" image
 * that runs its own Docker engine, made from the host's engine binaries and the libraries they link. Each is built
 * once per engine and kept.
 */
public final class TestImages {

    public static final String BUSYBOX = "infrakit-test/busybox:2";
    public static final String NODE = "infrakit-test/node:1";

    /**
     * The HostConfig a node container needs to run its own engine: every capability but SYS_RESOURCE (which this
     * sandbox cannot grant, so {@code --privileged} fails) and no seccomp or AppArmor profile.
     */
    public static final String NODE_HOST_CONFIG = "{\"CapAdd\":[\"ALL\"],\"CapDrop\":[\"SYS_RESOURCE\"],"
            + "\"SecurityOpt\":[\"seccomp=unconfined\",\"apparmor=unconfined\"]}";

    private static final String BUSYBOX_BINARY = "/bin/busybox";

    private TestImages() {
    }

    /** busybox on scratch: {@code sh}, {@code sleep}, {@code nc} and friends in {@code /bin}. */
    public static synchronized String busybox(DockerClient docker) {
        if (!exists(docker, BUSYBOX)) {
            build(docker, BUSYBOX, dir -> {
                copy(Path.of(BUSYBOX_BINARY), dir.resolve("root/bin/busybox"));
                Files.createDirectories(dir.resolve("root/tmp"));
                return busyboxDockerfile();
            });
        }
        return BUSYBOX;
    }

    /**
     * A machine for swarm scenarios: busybox plus dockerd, containerd, runc and the docker CLI, built by the Swarm
     * tutorial's own script ({@code deploy/swarm-lab/node-image.sh}), so the tests keep it working. Run it with
     * {@link #NODE_HOST_CONFIG} and {@code dockerd --storage-driver=vfs --iptables=false --bridge=none}.
     */
    public static synchronized String node(DockerClient docker) {
        if (!exists(docker, NODE)) {
            LabScripts.run("deploy/swarm-lab/node-image.sh", Map.of("DOCKER_HOST", DockerEngine.host()),
                    Duration.ofMinutes(5), NODE);
        }
        return NODE;
    }

    private static String busyboxDockerfile() {
        return "FROM scratch\nCOPY root/ /\nRUN [\"/bin/busybox\", \"--install\", \"-s\", \"/bin\"]\n";
    }

    private static boolean exists(DockerClient docker, String image) {
        try {
            docker.inspectImageCmd(image).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    private interface Context {
        String fill(Path dir) throws IOException, InterruptedException;
    }

    private static void build(DockerClient docker, String tag, Context context) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("infrakit-image");
            Files.writeString(dir.resolve("Dockerfile"), context.fill(dir));
            docker.buildImageCmd(dir.toFile()).withTags(Set.of(tag)).withPull(false).withRemove(true)
                    .start().awaitImageId(5, TimeUnit.MINUTES);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            if (dir != null) {
                deleteTree(dir);
            }
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
    }

    private static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }
}
