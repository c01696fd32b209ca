package io.infrakit.bench;

import io.infrakit.operator.controller.Controller;
import io.infrakit.operator.controller.ControllerConfig;
import io.infrakit.plugins.docker.DockerClients;
import io.infrakit.plugins.docker.DockerInstancePlugin;
import io.infrakit.plugins.group.Tags;
import io.infrakit.plugins.spi.InstanceDescription;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The docker plugin's self-healing: {@code docker kill} of a group's container → the replacement's Provision (the
 * engine's die event reaching the controller) → the replacement running again (Provision returned: create and
 * start). Needs an engine at {@code --host} (default {@code $DOCKER_HOST}) and a local image with {@code sleep}.
 */
final class DockerHealBench {

    private DockerHealBench() {
    }

    static void run(Options o) throws Exception {
        int n = o.integer("n", 30, 5);
        String host = o.string("host", DockerClients.defaultHost());
        String image = o.string("image", "infrakit-test/busybox:2");
        String spec = InProcess.spec("web", 5, "memory").replace("\"Properties\":{}}", "\"Properties\":"
                + "{\"Config\":{\"Image\":\"" + image + "\",\"Cmd\":[\"sleep\",\"3600\"]},"
                + "\"HostConfig\":{\"Init\":true},\"Pull\":\"never\"}}");
        Stats detect = new Stats();
        Stats running = new Stats();
        try (DockerInstancePlugin driver = DockerInstancePlugin.connect(host);
             InProcess p = new InProcess(ControllerConfig.defaults(), Controller.ReconcileListener.NONE, driver)) {
            var docker = DockerClients.connect(host);
            p.store.put(p.keys.group("web"), spec);
            LatencyBench.await(() -> driver.describeInstances(Map.of(Tags.GROUP, "web"), false).size() == 5);
            for (int i = 0; i < n; i++) {
                Thread.sleep(300);
                List<InstanceDescription> now = driver.describeInstances(Map.of(Tags.GROUP, "web"), false);
                String victim = now.get(ThreadLocalRandom.current().nextInt(now.size())).id();
                p.timed.provisionStarts.clear();
                long t0 = System.nanoTime();
                docker.killContainerCmd(victim).exec();
                Long t1 = p.timed.provisionStarts.poll(15, TimeUnit.SECONDS);
                if (t1 == null) {
                    throw new IllegalStateException("no replacement within 15 s");
                }
                detect.add((t1 - t0) / 1e6);
                LatencyBench.await(() -> driver.describeInstances(Map.of(Tags.GROUP, "web"), false).stream()
                        .noneMatch(d -> d.id().equals(victim))
                        && docker.listContainersCmd().withLabelFilter(Map.of(Tags.GROUP, "web")).exec().size() == 5);
                running.add((System.nanoTime() - t0) / 1e6);
            }
            p.store.delete(p.keys.group("web"));
            LatencyBench.await(() -> driver.describeInstances(Map.of(Tags.GROUP, "web"), false).isEmpty());
            docker.close();
        }
        System.out.println("container killed (docker plugin, engine event) → replacement Provision: "
                + detect.summary());
        System.out.println("container killed → replacement running (5 live again): " + running.summary());
    }
}
