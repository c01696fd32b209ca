package io.infrakit.plugins.file;

import static org.assertj.core.api.Assertions.assertThat;

import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.spi.InstanceSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileInstancePluginConcurrencyTest {

    @TempDir
    Path dir;

    @Test
    void eightThreadsProvisioningTwoHundredInstancesAreAllVisible() throws Exception {
        FileInstancePlugin plugin = new FileInstancePlugin(dir);
        Set<String> returned = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int thread = t;
            futures.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < 25; i++) {
                    String id = plugin.provision(new InstanceSpec(Json.parse("{}"),
                            Map.of("infrakit.group", "g", "thread", "t" + thread), "", null, null));
                    // Visible as soon as provision returns, to any caller.
                    assertThat(FileInstancePluginTest.ids(plugin.describeInstances(Map.of("thread", "t" + thread), false)))
                            .contains(id);
                    returned.add(id);
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : futures) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();

        List<InstanceDescription> all = plugin.describeInstances(Map.of("infrakit.group", "g"), false);
        assertThat(returned).hasSize(200);
        assertThat(new HashSet<>(FileInstancePluginTest.ids(all))).isEqualTo(returned);
        assertThat(FileInstancePluginTest.hiddenFiles(dir)).isZero();
    }

    @Test
    void readersNeverSeeAHalfWrittenFileWhileLabelsRewriteIt() throws Exception {
        FileInstancePlugin plugin = new FileInstancePlugin(dir);
        StringBuilder big = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            big.append("line ").append(i).append('\n');
        }
        String id = plugin.provision(new InstanceSpec(null, Map.of("infrakit.group", "g"), big.toString(), null, null));
        AtomicBoolean done = new AtomicBoolean();
        List<Integer> seen = new ArrayList<>();
        Thread reader = new Thread(() -> {
            while (!done.get()) {
                seen.add(plugin.describeInstances(Map.of("infrakit.group", "g"), false).size());
            }
        });
        reader.start();
        for (int i = 0; i < 300; i++) {
            plugin.label(id, Map.of("n", Integer.toString(i)));
        }
        done.set(true);
        reader.join(10_000);

        assertThat(seen).isNotEmpty().containsOnly(1);
        assertThat(plugin.describeInstances(Map.of(), false).get(0).tags()).containsEntry("n", "299");
    }
}
