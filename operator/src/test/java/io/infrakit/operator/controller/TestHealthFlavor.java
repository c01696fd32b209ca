package io.infrakit.operator.controller;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.plugins.spi.Allocation;
import io.infrakit.plugins.spi.FlavorPlugin;
import io.infrakit.plugins.spi.Health;
import io.infrakit.plugins.spi.Index;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.spi.InstanceSpec;
import io.infrakit.plugins.vanilla.VanillaFlavorPlugin;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A flavor whose health the test controls through its properties (part of the config, so changing them rolls):
 * {@code "HealthyAfterMs": N} makes an instance healthy N ms after the flavor first sees it, {@code "Never": true}
 * keeps it unknown forever, {@code "Unhealthy": true} reports it unhealthy. Prepare is the vanilla flavor's.
 */
final class TestHealthFlavor implements FlavorPlugin {

    private final VanillaFlavorPlugin vanilla = new VanillaFlavorPlugin();
    private final Map<String, Long> firstSeen = new ConcurrentHashMap<>();

    @Override
    public void validate(JsonNode properties, Allocation allocation) {
        // Anything goes: the extra fields steer health.
    }

    @Override
    public InstanceSpec prepare(JsonNode properties, InstanceSpec spec, Allocation allocation, Index index) {
        return vanilla.prepare(properties == null ? null : vanillaPart(properties), spec, allocation, index);
    }

    @Override
    public Health healthy(JsonNode properties, InstanceDescription instance) {
        if (properties != null && properties.path("Unhealthy").asBoolean(false)) {
            return Health.UNHEALTHY;
        }
        if (properties != null && properties.path("Never").asBoolean(false)) {
            return Health.UNKNOWN;
        }
        long after = properties == null ? 0 : properties.path("HealthyAfterMs").asLong(0);
        long seen = firstSeen.computeIfAbsent(instance.id(), k -> System.nanoTime());
        return (System.nanoTime() - seen) / 1_000_000 >= after ? Health.HEALTHY : Health.UNKNOWN;
    }

    /** Health as the test would see it now, without starting a clock. */
    boolean seenHealthy(JsonNode properties, String id) {
        Long seen = firstSeen.get(id);
        long after = properties == null ? 0 : properties.path("HealthyAfterMs").asLong(0);
        return seen != null && (System.nanoTime() - seen) / 1_000_000 >= after;
    }

    @Override
    public void drain(JsonNode properties, InstanceDescription instance) {
    }

    private static JsonNode vanillaPart(JsonNode properties) {
        var copy = ((com.fasterxml.jackson.databind.node.ObjectNode) properties).deepCopy();
        copy.remove(java.util.List.of("HealthyAfterMs", "Never", "Unhealthy"));
        return copy;
    }
}
