package io.infrakit.operator.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * {@code infrakit_plugin_call_duration_seconds{plugin,method}} and {@code infrakit_plugin_call_errors_total}. The
 * method is InfraKit's RPC name ({@code Instance.Provision}, {@code Flavor.Healthy}); the plugin is the lookup
 * part of its name ({@code instance-file}).
 */
final class PluginCallMeters {

    private final MeterRegistry registry;
    private final Map<Key, CallMeters> meters = new ConcurrentHashMap<>();

    PluginCallMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    <T> T time(String plugin, String method, Supplier<T> call) {
        return meters.computeIfAbsent(new Key(plugin, method), this::register).time(call);
    }

    void run(String plugin, String method, Runnable call) {
        time(plugin, method, () -> {
            call.run();
            return null;
        });
    }

    private CallMeters register(Key k) {
        return new CallMeters(
                Timer.builder("infrakit_plugin_call_duration").description("Plugin calls of this replica")
                        .tag("plugin", k.plugin).tag("method", k.method)
                        .serviceLevelObjectives(Buckets.PLUGIN).register(registry),
                Counter.builder("infrakit_plugin_call_errors").description("Plugin calls that failed")
                        .tag("plugin", k.plugin).tag("method", k.method).register(registry));
    }

    private record Key(String plugin, String method) {
    }
}
