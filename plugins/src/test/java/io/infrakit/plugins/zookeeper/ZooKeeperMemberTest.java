package io.infrakit.plugins.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;

import io.infrakit.plugins.group.Tags;
import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.process.ProcessInstancePlugin;
import io.infrakit.plugins.spi.Allocation;
import io.infrakit.plugins.spi.Health;
import io.infrakit.plugins.spi.Index;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.spi.InstanceSpec;
import io.infrakit.plugins.testing.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rendered script runs a real ZooKeeper (Debian's package) as a process instance, and health asks it. */
@Tag("heavy")
class ZooKeeperMemberTest {

    @TempDir
    Path dir;

    @Test
    void aSingleMemberStartsFromTheRenderedScriptAndIsHealthyOnceServing() throws Exception {
        assertThat(Path.of("/usr/share/java/zookeeper.jar"))
                .as("Debian's zookeeper package (apt-get install zookeeper)").exists();
        int port = FreePorts.loopback(); // the member's JVM binds it seconds later
        var props = Json.parse("{\"Type\":\"member\",\"TickTime\":500,\"ClientPort\":" + port + ",\"DataDir\":\""
                + dir.resolve("zk") + "\",\"JavaOpts\":\"-Xmx64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1\"}");
        Allocation one = Allocation.ofLogicalIds(List.of("127.0.0.1"));
        ZooKeeperFlavorPlugin flavor = new ZooKeeperFlavorPlugin();
        flavor.validate(props, one);
        InstanceSpec spec = flavor.prepare(props, new InstanceSpec(null, Map.of(Tags.GROUP, "zk"), "", "127.0.0.1",
                null), one, new Index("zk", 1));
        try (ProcessInstancePlugin processes = new ProcessInstancePlugin(dir.resolve("state"))) {
            String id = processes.provision(spec);
            try {
                InstanceDescription member = processes.describeInstances(Map.of(Tags.GROUP, "zk"), false).get(0);
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                Health health = flavor.healthy(props, member);
                while (health != Health.HEALTHY && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                    health = flavor.healthy(props, member);
                }
                assertThat(health).as("log: %s", Files.exists(processes.logFile(id))
                        ? Files.readString(processes.logFile(id)) : "").isEqualTo(Health.HEALTHY);
                assertThat(dir.resolve("zk/127.0.0.1/data/myid")).hasContent("1");
                assertThat(FourLetterWords.ask("127.0.0.1", port, "ruok", Duration.ofSeconds(1))).isEqualTo("imok");
            } finally {
                processes.destroy(id, "terminate");
            }
        }
    }
}
