package io.infrakit.plugins.file;

import static org.assertj.core.api.Assertions.assertThat;

import io.infrakit.plugins.spi.InstanceSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileInstancePluginWatchTest {

    @TempDir
    Path dir;

    private static InstanceSpec spec() {
        return new InstanceSpec(null, Map.of("infrakit.group", "g"), "", null, null);
    }

    @Test
    void aFileDeletedByHandTriggersTheListenerWithinASecond() throws Exception {
        FileInstancePlugin plugin = new FileInstancePlugin(dir);
        String id = plugin.provision(spec());
        Semaphore calls = new Semaphore(0);

        AutoCloseable handle = plugin.onChange(calls::release);
        try {
            long started = System.nanoTime();
            Files.delete(dir.resolve(id));

            assertThat(calls.tryAcquire(1, TimeUnit.SECONDS)).isTrue();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(1000);
        } finally {
            handle.close();
        }
    }

    @Test
    void aBurstOfChangesIsOneCallAndFilesEditedByHandCount() throws Exception {
        FileInstancePlugin plugin = new FileInstancePlugin(dir);
        Semaphore calls = new Semaphore(0);
        AutoCloseable handle = plugin.onChange(calls::release);
        try {
            for (int i = 0; i < 5; i++) {
                Files.writeString(dir.resolve("hand-" + i), "{}");
            }
            assertThat(calls.tryAcquire(1, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(DirectoryWatcher.MAX_DELAY_MILLIS + 100);
            assertThat(calls.availablePermits()).isLessThanOrEqualTo(1);
            calls.drainPermits();

            Files.writeString(dir.resolve("hand-0"), "{\"Tags\":{\"a\":\"b\"}}");
            assertThat(calls.tryAcquire(1, TimeUnit.SECONDS)).isTrue();
        } finally {
            handle.close();
        }
    }

    @Test
    void thePluginsOwnChangesDoNotTriggerIt() throws Exception {
        FileInstancePlugin plugin = new FileInstancePlugin(dir);
        Semaphore calls = new Semaphore(0);
        AutoCloseable handle = plugin.onChange(calls::release);
        try {
            String id = plugin.provision(spec());
            plugin.label(id, Map.of("a", "b"));
            plugin.destroy(id, "terminate");

            assertThat(calls.tryAcquire(DirectoryWatcher.MAX_DELAY_MILLIS + 300, TimeUnit.MILLISECONDS)).isFalse();

            // ...while the same plugin still notices others.
            Files.writeString(dir.resolve("instance-1"), "{}");
            assertThat(calls.tryAcquire(1, TimeUnit.SECONDS)).isTrue();
        } finally {
            handle.close();
        }
    }

    @Test
    void theWatchResumesWhenTheDirectoryIsRemovedAndMadeAgain() throws Exception {
        Path instances = Files.createDirectory(dir.resolve("instances"));
        FileInstancePlugin plugin = new FileInstancePlugin(instances);
        String id = plugin.provision(spec());
        Semaphore calls = new Semaphore(0);
        AutoCloseable handle = plugin.onChange(calls::release);
        try {
            Files.delete(instances.resolve(id));
            Files.delete(instances);
            assertThat(calls.tryAcquire(1, TimeUnit.SECONDS)).isTrue();
            calls.drainPermits();

            Files.createDirectory(instances);
            assertThat(calls.tryAcquire(5, TimeUnit.SECONDS)).as("told once watched again").isTrue();
            calls.drainPermits();
            Files.writeString(instances.resolve("by-hand"), "{}");
            assertThat(calls.tryAcquire(1, TimeUnit.SECONDS)).as("a change after the directory came back").isTrue();
        } finally {
            handle.close();
        }
    }

    @Test
    void closingTheHandleStopsNotifications() throws Exception {
        FileInstancePlugin plugin = new FileInstancePlugin(dir);
        Semaphore calls = new Semaphore(0);
        AutoCloseable handle = plugin.onChange(calls::release);
        Files.writeString(dir.resolve("a"), "{}");
        assertThat(calls.tryAcquire(1, TimeUnit.SECONDS)).isTrue();

        handle.close();
        Files.writeString(dir.resolve("b"), "{}");

        assertThat(calls.tryAcquire(DirectoryWatcher.MAX_DELAY_MILLIS + 300, TimeUnit.MILLISECONDS)).isFalse();
    }
}
