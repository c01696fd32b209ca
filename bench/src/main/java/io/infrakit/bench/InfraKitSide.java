package io.infrakit.bench;

import io.infrakit.plugins.group.GroupSpecs;
import io.infrakit.plugins.rpc.PluginAddress;
import io.infrakit.plugins.rpc.RemoteGroupPlugin;
import io.infrakit.plugins.rpc.RpcClient;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * InfraKit v0.5's own programs (built by {@code bench/infrakit-go.sh}): {@code infrakit-group-default} (10 s poll,
 * its default), {@code infrakit-instance-file} and {@code infrakit-flavor-vanilla}, at their default log level,
 * specs committed to the group plugin over its socket. Memory and CPU are the three processes' sum; "ready" is
 * start → all three sockets answer.
 */
final class InfraKitSide implements FootprintBench.Side {

    private final Path binaries;
    private final FootprintBench.Results results = new FootprintBench.Results();
    private final List<Process> processes = new ArrayList<>();
    private RemoteGroupPlugin group;

    InfraKitSide(Path binaries) {
        this.binaries = binaries;
        for (String b : List.of("infrakit-group-default", "infrakit-instance-file", "infrakit-flavor-vanilla")) {
            if (!Files.isExecutable(binaries.resolve(b))) {
                throw new IllegalStateException("no " + b + " in " + binaries + ": build them with "
                        + "bench/infrakit-go.sh SOURCE " + binaries);
            }
        }
    }

    @Override
    public String name() {
        return "InfraKit";
    }

    @Override
    public FootprintBench.Results results() {
        return results;
    }

    @Override
    public void start(Path dir, Path files, int round) throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        start(dir, plugins, "infrakit-instance-file", "instance-file", "--dir", files.toString());
        start(dir, plugins, "infrakit-flavor-vanilla", "flavor-vanilla");
        start(dir, plugins, "infrakit-group-default", "group");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (String name : List.of("instance-file", "flavor-vanilla", "group")) {
            while (!answers(plugins.resolve(name))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(name + " does not answer; see the logs in " + dir);
                }
                Thread.sleep(1);
            }
        }
        group = new RemoteGroupPlugin(new RpcClient(PluginAddress.parse(plugins.resolve("group").toString())));
        // The bench's client warmed as the operator side's is (a read that changes nothing), so the first commit
        // times the group plugin, not the bench's first call.
        for (int i = 0; i < 50; i++) {
            group.inspectGroups();
        }
    }

    private void start(Path dir, Path plugins, String binary, String name, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(binaries.resolve(binary).toString(), "--name", name));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("INFRAKIT_"));
        pb.environment().put("INFRAKIT_PLUGINS_DIR", plugins.toString());
        processes.add(pb.start());
    }

    private static boolean answers(Path socket) {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(socket));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void commit(String id, int size, int round) {
        group.commitGroup(GroupSpecs.parse(FootprintBench.spec(id, size)), false);
    }

    @Override
    public long cpuTicks() {
        return FootprintBench.Proc.sum(processes, FootprintBench.Proc::cpuTicks);
    }

    @Override
    public long rssKb() {
        return FootprintBench.Proc.sum(processes, FootprintBench.Proc::rssKb);
    }

    @Override
    public void stop(Path dir) throws Exception {
        for (Process p : processes) {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
            }
        }
        processes.clear();
    }
}
