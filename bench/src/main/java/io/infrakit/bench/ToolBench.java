package io.infrakit.bench;

import com.github.dockerjava.api.DockerClient;
import io.infrakit.operator.controller.Controller;
import io.infrakit.operator.controller.ControllerConfig;
import io.infrakit.plugins.docker.DockerClients;
import io.infrakit.plugins.group.Tags;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.spi.InstancePlugin;
import io.infrakit.plugins.terraform.TerraformInstancePlugin;
import io.infrakit.plugins.vagrant.VagrantInstancePlugin;
import io.infrakit.plugins.vagrant.VagrantSettings;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The terraform and vagrant plugins under the controller, on the real tools, each instance a container on the engine
 * at {@code --host}: spec put → the instance running, and the instance removed behind the plugin's back → its
 * replacement running. A round puts a group of one, waits for its container, removes it the way a user would
 * (terraform: {@code tofu destroy -target} in the plugin's directory; vagrant: {@code docker rm -f} of the
 * machine's container), waits for the replacement's container, then deletes the spec and waits until nothing is left.
 * Healing is timed from the moment the removing command returned.
 * Where the time goes is read from the plugin's own log of the commands it ran, with their durations.
 */
final class ToolBench {

    private static final Pattern COMMAND = Pattern.compile("^=== \\S+ (?:\\S*/)?(\\S+) (\\S+).* (\\d+) ms\\)$");

    /** What differs between the two plugins. */
    private interface Subject {
        String properties();

        /** The container an instance runs as. */
        String container(String instanceId);

        void removeBehindItsBack(String instanceId) throws Exception;
    }

    private ToolBench() {
    }

    static void terraform(Options o) throws Exception {
        String host = o.string("host", DockerClients.defaultHost());
        String image = o.string("image", "infrakit-test/busybox:2");
        String tofu = o.string("tofu", "tofu");
        String run = UUID.randomUUID().toString().substring(0, 8);
        Path dir = Files.createTempDirectory("bench-terraform");
        try (TerraformInstancePlugin plugin = new TerraformInstancePlugin(dir, tofu)) {
            measure("terraform", o.integer("n", 20, 3), o.integer("size", 1, 1), plugin, plugin.log(), host, new Subject() {
                @Override
                public String properties() {
                    return ("{\"resource\": {\"terraform_data\": {\"box\": {\"input\": {\"image\": \"%s\"}, "
                            + "\"provisioner\": [{\"local-exec\": {\"command\": \"docker run -d --name "
                            + "${self.input.instance_id}-%s ${self.input.image} sh -c \\\"$INIT; exec sleep 3600\\\"\", "
                            + "\"environment\": {\"INIT\": \"${self.input.init}\", \"DOCKER_HOST\": \"%s\"}}}, "
                            + "{\"local-exec\": {\"when\": \"destroy\", \"command\": \"docker rm -f "
                            + "${self.input.instance_id}-%s\", \"environment\": {\"DOCKER_HOST\": \"%s\"}}}]}}}}")
                            .formatted(image, run, host, run, host);
                }

                @Override
                public String container(String instanceId) {
                    return instanceId + "-" + run;
                }

                @Override
                public void removeBehindItsBack(String instanceId) throws Exception {
                    ProcessBuilder pb = new ProcessBuilder(tofu, "destroy", "-auto-approve", "-no-color",
                            "-lock-timeout=60s", "-target=terraform_data." + instanceId).directory(dir.toFile())
                            .redirectErrorStream(true).redirectOutput(dir.resolve(".infrakit/by-hand.log").toFile());
                    pb.environment().put("TF_CLI_CONFIG_FILE", dir.resolve(".infrakit/tofurc").toString());
                    pb.environment().put("DOCKER_HOST", host);
                    if (pb.start().waitFor() != 0) {
                        throw new IllegalStateException("tofu destroy by hand failed: "
                                + Files.readString(dir.resolve(".infrakit/by-hand.log")));
                    }
                }
            });
        } finally {
            TempDirs.deleteTree(dir);
        }
    }

    static void vagrant(Options o) throws Exception {
        String host = o.string("host", DockerClients.defaultHost());
        String image = o.string("image", "infrakit-test/busybox:2");
        Duration interval = Duration.ofSeconds(o.integer("status-interval", 30, 30));
        Path dir = Files.createTempDirectory("bench-vagrant");
        VagrantSettings settings = VagrantSettings.defaults(dir).withBinary(o.string("vagrant", "vagrant"))
                .withStatusInterval(interval).withEnvironment(Map.of("DOCKER_HOST", host));
        try (VagrantInstancePlugin plugin = new VagrantInstancePlugin(settings);
             DockerClient docker = DockerClients.connect(host)) {
            System.out.println("vagrant: machines' states asked every " + interval.toSeconds() + " s");
            measure("vagrant", o.integer("n", 5, 2), o.integer("size", 1, 1), plugin, plugin.log(), host, new Subject() {
                @Override
                public String properties() {
                    return "{\"Image\": \"" + image + "\", \"Provider\": \"docker\", \"CPUs\": 1, \"Memory\": 64}";
                }

                @Override
                public String container(String instanceId) {
                    return instanceId;
                }

                @Override
                public void removeBehindItsBack(String instanceId) {
                    docker.removeContainerCmd(instanceId).withForce(true).exec();
                }
            });
        } finally {
            TempDirs.deleteTree(dir);
        }
    }

    private static void measure(String name, int n, int size, InstancePlugin plugin, Path log, String host,
                                Subject subject) throws Exception {
        Stats putToRunning = new Stats();
        Stats applies = new Stats();
        Stats putToProvision = new Stats();
        Stats upCommands = new Stats();
        Stats removal = new Stats();
        Stats healToRunning = new Stats();
        Stats healToProvision = new Stats();
        Stats healCommands = new Stats();
        String spec = InProcess.spec("bench", size, "memory").replace("\"Properties\":{}}",
                "\"Properties\":" + subject.properties() + "}");
        try (InProcess p = new InProcess(ControllerConfig.defaults(), Controller.ReconcileListener.NONE, plugin);
             DockerClient docker = DockerClients.connect(host)) {
            try {
                for (int i = 0; i < n; i++) {
                    p.timed.provisionStarts.clear();
                    long logAt = size(log);
                    long t0 = System.nanoTime();
                    p.store.put(p.keys.group("bench"), spec);
                    String id = awaitRunning(plugin, docker, subject, size, null).get(0);
                    double up = millisSince(t0);
                    putToRunning.add(up);
                    putToProvision.add((firstProvision(p) - t0) / 1e6);
                    applies.add(count(log, logAt));
                    upCommands.add(commandMillis(log, logAt));

                    p.timed.provisionStarts.clear();
                    logAt = size(log);
                    long t1 = System.nanoTime();
                    subject.removeBehindItsBack(id);
                    long removed = System.nanoTime();
                    removal.add((removed - t1) / 1e6);
                    awaitRunning(plugin, docker, subject, size, id);
                    double healed = millisSince(removed);
                    healToRunning.add(healed);
                    healToProvision.add((firstProvision(p) - removed) / 1e6);
                    healCommands.add(commandMillis(log, logAt));

                    p.store.delete(p.keys.group("bench"));
                    LatencyBench.await(() -> plugin.describeInstances(Map.of(Tags.GROUP, "bench"), false).isEmpty());
                    System.out.printf("%s round %d: put → running %.0f ms, removed → replacement running %.0f ms%n",
                            name, i + 1, up, healed);
                }
            } finally { // also after a failure: nothing of the benchmark is left running
                p.store.delete(p.keys.group("bench"));
                LatencyBench.await(() -> plugin.describeInstances(Map.of(Tags.GROUP, "bench"), false).isEmpty());
            }
        }
        System.out.println(name + ": spec put → " + size + " instance(s) running: " + putToRunning.summary());
        System.out.println("  of which put → Provision: " + putToProvision.summary());
        System.out.println("  and the plugin's commands (" + commands(log) + "): " + upCommands.summary()
                + "; commands per put: " + applies.summary().replace(" ms", ""));
        System.out.println(name + ": removed behind the plugin's back (the removal itself: " + removal.summary()
                + ") → replacement running: " + healToRunning.summary());
        System.out.println("  of which removed → Provision (noticed, reconciled; below 0 when noticed before the "
                + "removing command returned): " + healToProvision.summary());
        System.out.println("  and the plugin's commands: " + healCommands.summary());
    }

    /** Waits for {@code size} instances of the group, none of them {@code old}, whose containers run. */
    private static List<String> awaitRunning(InstancePlugin plugin, DockerClient docker, Subject subject, int size,
                                             String old) throws InterruptedException {
        List<String> found = new java.util.ArrayList<>();
        LatencyBench.await(() -> {
            found.clear();
            plugin.describeInstances(Map.of(Tags.GROUP, "bench"), false).stream().map(InstanceDescription::id)
                    .forEach(found::add);
            if (found.size() != size || found.contains(old)) {
                return false;
            }
            Set<String> running = docker.listContainersCmd().exec().stream().map(c -> c.getNames()[0].substring(1))
                    .collect(Collectors.toSet());
            return found.stream().map(subject::container).allMatch(running::contains);
        });
        return found;
    }

    private static long firstProvision(InProcess p) throws InterruptedException {
        Long t = p.timed.provisionStarts.poll(10, TimeUnit.SECONDS);
        if (t == null) {
            throw new IllegalStateException("no Provision was recorded");
        }
        return t;
    }

    private static double millisSince(long t0) {
        return TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - t0) / 1000.0;
    }

    private static long size(Path log) throws IOException {
        return Files.exists(log) ? Files.size(log) : 0;
    }

    /** The summed durations of the commands the plugin logged after {@code from}. */
    private static double commandMillis(Path log, long from) throws IOException {
        double total = 0;
        for (String line : tail(log, from).split("\n")) {
            Matcher m = COMMAND.matcher(line);
            if (m.find()) {
                total += Long.parseLong(m.group(3));
            }
        }
        return total;
    }

    private static double count(Path log, long from) throws IOException {
        return tail(log, from).lines().filter(l -> COMMAND.matcher(l).find()).count();
    }

    /** Which commands the plugin ran, with how many runs each, over the whole benchmark. */
    private static String commands(Path log) throws IOException {
        Map<String, Integer> counts = new java.util.TreeMap<>();
        for (String line : tail(log, 0).split("\n")) {
            Matcher m = COMMAND.matcher(line);
            if (m.find()) {
                counts.merge(m.group(1) + " " + m.group(2), 1, Integer::sum);
            }
        }
        return counts.toString();
    }

    private static String tail(Path log, long from) throws IOException {
        if (!Files.exists(log)) {
            return "";
        }
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            byte[] bytes = new byte[(int) Math.max(0, f.length() - from)];
            f.seek(from);
            f.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }
}
