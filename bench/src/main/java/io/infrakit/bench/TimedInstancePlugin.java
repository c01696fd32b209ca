package io.infrakit.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.plugins.json.KeyAudit;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.spi.InstancePlugin;
import io.infrakit.plugins.spi.InstanceSpec;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.LongAdder;

/** Wraps a driver to time its calls: when each Provision began, and the total time spent inside the driver. */
final class TimedInstancePlugin implements InstancePlugin {

    final LinkedBlockingQueue<Long> provisionStarts = new LinkedBlockingQueue<>();
    final LongAdder insideNanos = new LongAdder();
    private final InstancePlugin driver;

    TimedInstancePlugin(InstancePlugin driver) {
        this.driver = driver;
    }

    @Override
    public void validate(JsonNode properties) {
        driver.validate(properties);
    }

    @Override
    public List<KeyAudit.UnknownKey> unknownKeys(JsonNode properties) {
        return driver.unknownKeys(properties);
    }

    @Override
    public String provision(InstanceSpec spec) {
        long t = System.nanoTime();
        provisionStarts.add(t);
        try {
            return driver.provision(spec);
        } finally {
            insideNanos.add(System.nanoTime() - t);
        }
    }

    @Override
    public void label(String instanceId, Map<String, String> labels) {
        driver.label(instanceId, labels);
    }

    @Override
    public void destroy(String instanceId, String reason) {
        long t = System.nanoTime();
        try {
            driver.destroy(instanceId, reason);
        } finally {
            insideNanos.add(System.nanoTime() - t);
        }
    }

    @Override
    public List<InstanceDescription> describeInstances(Map<String, String> tags, boolean properties) {
        long t = System.nanoTime();
        try {
            return driver.describeInstances(tags, properties);
        } finally {
            insideNanos.add(System.nanoTime() - t);
        }
    }

    @Override
    public AutoCloseable onChange(Runnable listener) {
        return driver.onChange(listener);
    }
}
