package io.infrakit.operator.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.Frame;
import io.infrakit.operator.group.GroupStatus;
import io.infrakit.operator.policy.AdmissionPolicy;
import io.infrakit.plugins.PluginRegistry;
import io.infrakit.plugins.group.Tags;
import io.infrakit.plugins.testing.DockerEngine;
import io.infrakit.plugins.testing.TestImages;
import io.infrakit.store.testing.Await;
import io.infrakit.store.testing.EtcdCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The docker plugin hands HostConfig to a real engine as written: the host's root mounted into a container and a
 * privileged container reach the engine without a policy, and never with the production default.
 */
@Tag("docker")
@Timeout(180)
class DockerPolicyIT {

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.single();

    private static String image;
    private final DockerClient docker = DockerEngine.client();
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @TempDir
    Path dir;

    @BeforeAll
    static void images() {
        image = TestImages.busybox(DockerEngine.client());
    }

    private String spec(String id, String hostConfig) {
        return "{\"ID\":\"" + id + "\",\"Properties\":{\"Allocation\":{\"Size\":1},\"Instance\":{\"Plugin\":\"docker\","
                + "\"Properties\":{\"Config\":{\"Image\":\"" + image + "\",\"Cmd\":[\"sh\",\"-c\","
                + "\"cat /host/etc/hostname; sleep 600\"]},\"HostConfig\":" + hostConfig + "}},"
                + "\"Flavor\":{\"Plugin\":\"vanilla\",\"Properties\":{}}}}";
    }

    private PluginRegistry builtins(String name) {
        return PluginRegistry.builtins(dir.resolve(name).resolve("files"), dir.resolve(name).resolve("processes"),
                DockerEngine.host());
    }

    @Test
    void theHostsRootAndPrivilegedContainersReachTheEngineOnlyWithoutAPolicy() throws Exception {
        String root = "root-" + run;
        String priv = "priv-" + run;
        long since = System.currentTimeMillis() / 1000 - 1;

        // The attacks: the host's root is the container's /host; the engine is asked for a privileged container
        // (this sandbox cannot grant one, so its start fails; elsewhere it runs).
        try (PolicyOperator open = new PolicyOperator(ETCD, "open", builtins("open"), AdmissionPolicy.none("none"))) {
            open.put(root, "docker", spec(root, "{\"Binds\":[\"/:/host\"]}"));
            open.put(priv, "docker", spec(priv, "{\"Privileged\":true}"));
            open.awaitStatus(root, "converged", GroupStatus::converged);
            String id = open.instances(root).get(0).id();
            InspectContainerResponse inspected = docker.inspectContainerCmd(id).exec();
            assertThat(inspected.getHostConfig().getBinds()).extracting(b -> b.getPath() + ":" + b.getVolume().getPath())
                    .containsExactly("/:/host");
            String hostname = Files.readString(Path.of("/etc/hostname"), StandardCharsets.UTF_8).strip();
            Await.until(Duration.ofSeconds(20), "the container printed the host's hostname",
                    () -> logs(id).contains(hostname));
            Await.until(Duration.ofSeconds(30), "a privileged container was created",
                    () -> !creates(priv, since).isEmpty());
        }

        String root2 = "root2-" + run;
        String priv2 = "priv2-" + run;
        long later = System.currentTimeMillis() / 1000 - 1;
        try (PolicyOperator op = new PolicyOperator(ETCD, "closed", builtins("closed"),
                AdmissionPolicy.restricted("the built-in default"))) {
            op.put(root2, "docker", spec(root2, "{\"Binds\":[\"/:/host\"]}"));
            op.put(priv2, "docker", spec(priv2, "{\"Privileged\":true}"));
            assertThat(op.awaitError(root2, "Refused").error().message()).isEqualTo("Refused by the spec policy (the"
                    + " built-in default, rule default): Instance.Properties.HostConfig.Binds[0]: mounts host path /"
                    + " writable (not under HostPaths.ReadWrite)");
            assertThat(op.awaitError(priv2, "Refused").error().message()).endsWith("Instance.Properties.HostConfig."
                    + "Privileged: a privileged container (Containers.Privileged is false)");
            Thread.sleep(2500); // a few resyncs
            assertThat(creates(root2, later)).isEmpty();
            assertThat(creates(priv2, later)).isEmpty();
        }
    }

    /** The engine's own record: containers of the group created since then. */
    private List<Event> creates(String group, long since) {
        List<Event> events = new CopyOnWriteArrayList<>();
        await(docker.eventsCmd().withSince(Long.toString(since)).withUntil(Long.toString(System.currentTimeMillis() / 1000 + 1))
                .withEventFilter("create").withLabelFilter(Map.of(Tags.GROUP, group))
                .exec(new ResultCallback.Adapter<Event>() {
                    @Override
                    public void onNext(Event event) {
                        events.add(event);
                    }
                }));
        return events;
    }

    private String logs(String container) {
        StringBuilder out = new StringBuilder();
        await(docker.logContainerCmd(container).withStdOut(true).withStdErr(true)
                .exec(new ResultCallback.Adapter<Frame>() {
                    @Override
                    public void onNext(Frame frame) {
                        out.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                    }
                }));
        return out.toString();
    }

    private static void await(ResultCallback.Adapter<?> callback) {
        try {
            callback.awaitCompletion(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
