package io.infrakit.bench;

import io.infrakit.plugins.memory.InMemoryInstancePlugin;
import io.infrakit.plugins.rpc.PluginServer;
import io.infrakit.plugins.rpc.RemoteInstancePlugin;
import io.infrakit.plugins.rpc.RpcClient;
import io.infrakit.plugins.spi.InstanceSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A plugin call over InfraKit's wire protocol on a Unix socket, the way the controller makes it to a remote plugin:
 * {@code Instance.DescribeInstances} of a group of 10 (one JSON-RPC round trip: client, socket, server, plugin and
 * back). Latency of sequential calls, then throughput with several callers at once.
 */
final class RpcBench {

    private RpcBench() {
    }

    static void run(Options o) throws Exception {
        int n = o.integer("n", 20_000, 2_000);
        int threads = o.integer("threads", 4, 4);
        Path dir = Files.createTempDirectory("infrakit-bench-rpc");
        InMemoryInstancePlugin memory = new InMemoryInstancePlugin();
        Map<String, String> group = Map.of("infrakit.group", "bench");
        for (int i = 0; i < 10; i++) {
            memory.provision(new InstanceSpec(null, group, "", null, null));
        }
        try (PluginServer server = PluginServer.builder().instance(memory).start(dir.resolve("instance-memory"))) {
            RemoteInstancePlugin remote = new RemoteInstancePlugin(
                    new RpcClient(server.address(), Duration.ofSeconds(10)), "");
            for (int i = 0; i < Math.min(n, 2_000); i++) { // JIT warm-up
                remote.describeInstances(group, false);
            }
            long[] micros = new long[n];
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                long s = System.nanoTime();
                if (remote.describeInstances(group, false).size() != 10) {
                    throw new IllegalStateException("wrong answer");
                }
                micros[i] = (System.nanoTime() - s) / 1_000;
            }
            long wall = System.nanoTime() - t0;
            Arrays.sort(micros);
            System.out.printf("sequential DescribeInstances over a Unix socket: n=%d p50=%d µs p90=%d µs p99=%d µs"
                            + " max=%d µs, %.0f calls/s%n", n, at(micros, 50), at(micros, 90), at(micros, 99),
                    micros[n - 1], n / (wall / 1e9));

            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                int each = n / threads;
                long c0 = System.nanoTime();
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    done.add(pool.submit(() -> {
                        for (int i = 0; i < each; i++) {
                            remote.describeInstances(group, false);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
                long cwall = System.nanoTime() - c0;
                System.out.printf("%d callers at once: %d calls in %.0f ms, %.0f calls/s%n", threads, each * threads,
                        cwall / 1e6, each * threads / (cwall / 1e9));
            } finally {
                pool.shutdownNow();
            }
        } finally {
            Files.deleteIfExists(dir.resolve("instance-memory"));
            Files.deleteIfExists(dir);
        }
    }

    private static long at(long[] sorted, double p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
