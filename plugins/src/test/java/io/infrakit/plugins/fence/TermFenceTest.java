package io.infrakit.plugins.fence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TermFenceTest {

    @TempDir
    Path dir;

    @Test
    void anOlderTermIsRefusedAndTheNewestIsKeptBesideTheState() throws Exception {
        TermFence fence = TermFence.inDirectory(dir);
        AtomicInteger calls = new AtomicInteger();
        assertThat(fence.admit(10, calls::incrementAndGet)).isEqualTo(1);
        assertThat(fence.admit(12, calls::incrementAndGet)).isEqualTo(2);
        assertThat(fence.admit(12, calls::incrementAndGet)).isEqualTo(3);
        assertThatThrownBy(() -> fence.admit(10, calls::incrementAndGet))
                .isInstanceOfSatisfying(StaleTermException.class, e -> {
                    assertThat(e.term()).isEqualTo(10);
                    assertThat(e.newest()).isEqualTo(12);
                })
                .hasMessageContaining("leader term 10 is older than term 12");
        assertThat(calls).hasValue(3);
        assertThat(Files.readString(dir.resolve(TermFence.FILE_NAME))).isEqualTo("12\n");
        assertThat(Files.getPosixFilePermissions(dir.resolve(TermFence.FILE_NAME)))
                .containsExactlyInAnyOrderElementsOf(io.infrakit.plugins.state.PrivateFiles.FILE);
        // No term: not a leader's call (a person's CLI); not fenced, and the term stays.
        assertThat(fence.admit(0, calls::incrementAndGet)).isEqualTo(4);
        assertThat(fence.newest()).isEqualTo(12);
    }

    @Test
    void aNewTermWaitsForTheOlderTermsCallsInFlight() throws Exception {
        TermFence fence = TermFence.inDirectory(dir);
        fence.admit(5, () -> null);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            CountDownLatch inFlight = new CountDownLatch(2);
            CountDownLatch finish = new CountDownLatch(1);
            List<Future<Long>> old = List.of(1, 2).stream().map(i -> pool.submit(() -> fence.admit(5, () -> {
                inFlight.countDown();
                await(finish);
                return System.nanoTime();
            }))).toList();
            assertThat(inFlight.await(5, TimeUnit.SECONDS)).as("two calls of one term run at once").isTrue();
            Future<Long> newer = pool.submit(() -> fence.admit(6, System::nanoTime));
            Thread.sleep(200);
            assertThat(newer).as("the newer term waits").isNotDone();
            finish.countDown();
            long admitted = newer.get(5, TimeUnit.SECONDS);
            for (Future<Long> f : old) {
                assertThat(f.get(5, TimeUnit.SECONDS)).isLessThan(admitted);
            }
            assertThatThrownBy(() -> fence.admit(5, () -> null)).isInstanceOf(StaleTermException.class);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void processesSharingTheDirectoryAgree() throws Exception {
        TermFence fence = TermFence.inDirectory(dir);
        fence.admit(20, () -> null);
        Process holder = holder(21, 800);
        try (BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(),
                StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).isEqualTo("in");
            // Term 21 is in use by the other process: an older term is refused, a newer one waits for that call to end.
            assertThatThrownBy(() -> fence.admit(20, () -> null)).isInstanceOf(StaleTermException.class);
            long admitted = fence.admit(22, System::nanoTime);
            String done = out.readLine();
            assertThat(done).startsWith("out ");
            assertThat(Long.parseLong(done.substring(4))).as("22 admitted after 21's call ended").isLessThan(admitted);
        }
        assertThat(holder.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(holder.exitValue()).isZero();

        Process stale = holder(21, 0);
        assertThat(stale.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(stale.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .contains("leader term 21 is older than term 22");
        assertThat(stale.exitValue()).isEqualTo(3);
    }

    @Test
    void inMemoryFencesAreIndependent() {
        TermFence a = TermFence.inMemory("a");
        TermFence b = TermFence.inMemory("b");
        a.admit(9, () -> null);
        assertThat(b.admit(3, () -> "ok")).isEqualTo("ok");
        assertThatThrownBy(() -> a.admit(3, () -> null)).hasMessageContaining("the newest a has seen");
    }

    private Process holder(long term, long holdMillis) throws Exception {
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), FenceHolder.class.getName(), dir.toString(),
                Long.toString(term), Long.toString(holdMillis)).redirectErrorStream(true).start();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
