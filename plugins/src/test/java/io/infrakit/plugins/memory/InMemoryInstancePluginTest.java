package io.infrakit.plugins.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.spi.InstanceSpec;
import io.infrakit.plugins.spi.PluginException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class InMemoryInstancePluginTest {

    private final InMemoryInstancePlugin plugin = new InMemoryInstancePlugin();

    private static InstanceSpec spec(Map<String, String> tags) {
        return new InstanceSpec(Json.parse("{\"a\":1}"), tags, "init", "pet-1", null);
    }

    @Test
    void behavesLikeAnInstancePlugin() {
        String a = plugin.provision(spec(Map.of("infrakit.group", "g", "tier", "web")));
        String b = plugin.provision(spec(Map.of("infrakit.group", "g")));

        assertThat(plugin.describeInstances(Map.of("infrakit.group", "g"), false)).extracting(InstanceDescription::id)
                .containsExactly(a, b);
        assertThat(plugin.describeInstances(Map.of("tier", "web"), false)).extracting(InstanceDescription::id)
                .containsExactly(a);

        plugin.label(b, Map.of("tier", "db"));
        assertThat(plugin.describeInstances(Map.of("tier", "db"), false)).singleElement()
                .satisfies(d -> {
                    assertThat(d.logicalId()).isEqualTo("pet-1");
                    assertThat(d.tags()).isEqualTo(Map.of("infrakit.group", "g", "tier", "db"));
                });

        plugin.destroy(a, "terminate");
        assertThat(plugin.describeInstances(Map.of(), false)).extracting(InstanceDescription::id).containsExactly(b);
        assertThat(plugin.provisionCount()).isEqualTo(2);
        assertThat(plugin.destroyCount()).isEqualTo(1);
    }

    @Test
    void unknownInstancesAreNotFound() {
        assertThatThrownBy(() -> plugin.destroy("nope", "terminate")).isInstanceOf(PluginException.class)
                .hasMessage("instance not found: nope");
        assertThatThrownBy(() -> plugin.label("nope", Map.of())).isInstanceOf(PluginException.class)
                .hasMessage("instance not found: nope");
    }

    @Test
    void describeWithPropertiesGivesTheSpec() {
        String id = plugin.provision(spec(Map.of("k", "v")));

        InstanceDescription d = plugin.describeInstances(Map.of(), true).get(0);

        assertThat(Json.write(d.properties())).isEqualTo(
                "{\"Properties\":{\"a\":1},\"Tags\":{\"k\":\"v\"},\"Init\":\"init\",\"LogicalID\":\"pet-1\",\"Attachments\":null}");
        assertThat(plugin.spec(id).init()).isEqualTo("init");
    }

    @Test
    void losingAnInstanceTellsTheListenersUntilTheyClose() throws Exception {
        String id = plugin.provision(spec(Map.of()));
        AtomicInteger calls = new AtomicInteger();
        AutoCloseable handle = plugin.onChange(calls::incrementAndGet);

        assertThat(plugin.lose(id)).isTrue();
        assertThat(plugin.lose(id)).isFalse();
        assertThat(calls).hasValue(1);
        assertThat(plugin.size()).isZero();
        assertThat(plugin.destroyCount()).isZero();

        handle.close();
        plugin.lose(plugin.provision(spec(Map.of())));
        assertThat(calls).hasValue(1);
    }

    @Test
    void concurrentProvisionsAndLabelsAreAllKept() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        Set<String> ids = ConcurrentHashMap.newKeySet();
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int thread = t;
            futures.add(pool.submit(() -> {
                for (int i = 0; i < 250; i++) {
                    String id = plugin.provision(spec(Map.of("infrakit.group", "g")));
                    plugin.label(id, Map.of("t", "t" + thread));
                    ids.add(id);
                }
            }));
        }
        for (Future<?> f : futures) {
            f.get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();

        assertThat(ids).hasSize(2000);
        assertThat(plugin.describeInstances(Map.of("infrakit.group", "g"), false)).hasSize(2000);
        assertThat(plugin.describeInstances(Map.of("t", "t3"), false)).hasSize(250);
    }

    @Test
    void validateAcceptsAnObjectOrNothing() {
        plugin.validate(null);
        plugin.validate(Json.parse("{}"));

        assertThatThrownBy(() -> plugin.validate(Json.parse("[1]"))).isInstanceOf(PluginException.class)
                .hasMessage("Properties must be a JSON object, got array");
    }
}
