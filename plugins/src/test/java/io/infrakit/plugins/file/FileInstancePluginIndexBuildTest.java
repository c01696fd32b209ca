package io.infrakit.plugins.file;

import static io.infrakit.plugins.file.FileInstancePluginTest.ids;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.infrakit.plugins.spi.InstanceSpec;
import io.infrakit.plugins.spi.PluginException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The index is built by a thread of its own as the plugin is made: ready for the first listing, which waits for a
 * build under way rather than reading the directory beside it; writes made meanwhile are in it, and closing stops it.
 */
class FileInstancePluginIndexBuildTest {

    private static final long WAIT_SECONDS = 30;

    @TempDir
    Path dir;

    private FileInstancePlugin plugin;

    @AfterEach
    void tearDown() {
        if (plugin != null) {
            plugin.close();
        }
    }

    /** Holds the build at the first file it reads until released; throws there instead when told to. */
    private static final class Hold implements Consumer<String> {
        final CountDownLatch reached = new CountDownLatch(1);
        final CountDownLatch released = new CountDownLatch(1);
        final boolean fail;
        volatile String first;
        volatile Thread thread;
        volatile boolean timedOut;

        Hold(boolean fail) {
            this.fail = fail;
        }

        @Override
        public void accept(String name) {
            if (first != null) {
                return;
            }
            first = name;
            thread = Thread.currentThread();
            if (fail) {
                throw new PluginException("reading " + name + " failed");
            }
            reached.countDown();
            try {
                timedOut = !released.await(WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void awaitReached(Path dir) throws InterruptedException {
            assertThat(reached.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("the build reached a file").isTrue();
            assertThat(thread.getName()).isEqualTo(IndexedDirectory.builderName(dir));
        }
    }

    private static void writeRecord(Path dir, String name, String group) throws IOException {
        Files.writeString(dir.resolve(name), "{\"ID\":\"" + name + "\",\"Tags\":{\"infrakit.group\":\"" + group + "\"}}");
    }

    private List<String> group(String group) {
        return ids(plugin.describeInstances(Map.of("infrakit.group", group), false));
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("waiting until " + what).isNegative();
            Thread.sleep(5);
        }
    }

    private static void awaitState(Thread thread, Thread.State... states) throws InterruptedException {
        Set<Thread.State> wanted = Set.of(states);
        await(thread.getName() + " is in " + wanted, () -> wanted.contains(thread.getState()));
    }

    private List<Thread> builders() {
        String name = IndexedDirectory.builderName(dir);
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name)).toList();
    }

    /** The process's inotify descriptors, by number. */
    private static Set<String> inotifyFds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().equals("anon_inode:inotify");
                } catch (IOException e) {
                    return false; // the listing's own descriptor, closed since
                }
            }).map(fd -> fd.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    /** A plugin on two records of group {@code a}, its build held at the first file it reads. */
    private Hold pluginHeldInItsBuild() throws Exception {
        writeRecord(dir, "instance-1", "a");
        writeRecord(dir, "instance-2", "a");
        Hold hold = new Hold(false);
        plugin = new FileInstancePlugin(dir, hold);
        hold.awaitReached(dir);
        return hold;
    }

    @Test
    void theIndexIsReadyBeforeAnyListing() throws Exception {
        for (int i = 0; i < 20; i++) {
            writeRecord(dir, "instance-" + i, i % 2 == 0 ? "a" : "b");
        }

        plugin = new FileInstancePlugin(dir);

        await("the index holds the directory", () -> plugin.indexedFiles() == 20);
        await("the build's thread is gone", () -> builders().isEmpty());
        assertThat(plugin.filesLooked()).isEqualTo(20);
        assertThat(group("a")).hasSize(10);
        assertThat(plugin.filesLooked()).as("files the first listing looked at").isEqualTo(20);
    }

    @Test
    void aListingDuringTheBuildWaitsForItAndTheDirectoryIsReadOnce() throws Exception {
        Hold hold = pluginHeldInItsBuild();

        FutureTask<List<String>> listing = new FutureTask<>(() -> group("a"));
        Thread lister = new Thread(listing, "listing");
        lister.start();
        awaitState(lister, Thread.State.BLOCKED);
        hold.released.countDown();

        assertThat(listing.get(WAIT_SECONDS, TimeUnit.SECONDS)).containsExactlyInAnyOrder("instance-1", "instance-2");
        assertThat(plugin.filesLooked()).as("files looked at by the build and the listing").isEqualTo(2);
    }

    @Test
    void writesDuringTheBuildAreInTheIndexAndDoNotWaitForIt() throws Exception {
        Hold hold = pluginHeldInItsBuild();
        String read = hold.first; // indexed already: its deletion is known by the watch alone
        String other = read.equals("instance-1") ? "instance-2" : "instance-1";

        String made = plugin.provision(new InstanceSpec(null, Map.of("infrakit.group", "a"), "", null, null));
        plugin.destroy(read, "terminate");
        plugin.label(other, Map.of("infrakit.group", "b"));
        hold.released.countDown();

        assertThat(group("a")).containsExactly(made);
        assertThat(group("b")).containsExactly(other);
        assertThat(plugin.indexedFiles()).isEqualTo(2);
        assertThat(hold.timedOut).as("the writes waited for the build").isFalse();
    }

    @Test
    void closeDuringTheBuildStopsItsThreadAndClosesItsWatch() throws Exception {
        Set<String> before = inotifyFds();
        Hold hold = pluginHeldInItsBuild();
        Set<String> ours = new HashSet<>(inotifyFds());
        ours.removeAll(before);
        assertThat(ours).as("inotify descriptors opened before the directory is read").hasSize(1);

        AtomicBoolean buildAliveAfterClose = new AtomicBoolean(true);
        Thread closer = new Thread(() -> {
            plugin.close();
            buildAliveAfterClose.set(hold.thread.isAlive());
        }, "closer");
        closer.start();
        awaitState(closer, Thread.State.WAITING, Thread.State.TIMED_WAITING, Thread.State.BLOCKED);
        hold.released.countDown();
        closer.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));

        assertThat(closer.isAlive()).as("close returned").isFalse();
        assertThat(buildAliveAfterClose).as("the build's thread alive when close returned").isFalse();
        assertThat(builders()).isEmpty();
        assertThat(plugin.filesLooked()).as("files read, the build stopped at the next").isEqualTo(1);
        assertThat(inotifyFds()).doesNotContainAnyElementsOf(ours);
        assertThatThrownBy(() -> group("a")).isInstanceOf(PluginException.class).hasMessageContaining("closed");
    }

    @Test
    void aBuildThatFailsIsLoggedOnceAndLeavesTheDirectoryToTheListing() throws Exception {
        writeRecord(dir, "instance-1", "a");
        writeRecord(dir, "instance-2", "b");
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        Logger logger = (Logger) LoggerFactory.getLogger(IndexedDirectory.class);
        logs.start();
        logger.addAppender(logs);
        try {
            Set<String> before = inotifyFds();
            Hold failing = new Hold(true);
            plugin = new FileInstancePlugin(dir, failing);
            await("the build failed", () -> failing.thread != null && builders().isEmpty());

            Set<String> left = new HashSet<>(inotifyFds());
            left.removeAll(before);
            assertThat(left).as("inotify descriptors the failed build left open").isEmpty();
            assertThat(group("a")).containsExactly("instance-1");
            assertThat(group("b")).containsExactly("instance-2");
            assertThat(plugin.indexedFiles()).isEqualTo(2);
            List<String> warnings = new ArrayList<>();
            for (ILoggingEvent e : logs.list) {
                if (e.getLevel() == Level.WARN) {
                    warnings.add(e.getFormattedMessage());
                }
            }
            assertThat(warnings).singleElement().asString().contains(dir.toString(), "reading instance-");
        } finally {
            logger.detachAppender(logs);
        }
    }
}
