package io.infrakit.plugins.process;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops an instance's process group: SIGTERM, then SIGKILL once the grace period has passed. Every instance runs
 * in its own session (setsid), so its pid is also its process group, and signalling the group reaches whatever
 * the script started too.
 */
final class Stopper {

    private static final Logger LOG = LoggerFactory.getLogger(Stopper.class);

    private Stopper() {
    }

    /** Returns true when the process had to be killed (it outlived the grace period). */
    static boolean stop(long pid, long startTicks, Duration grace) throws InterruptedException {
        if (!ProcStat.alive(pid, startTicks)) {
            return false;
        }
        signalGroup(pid, "TERM");
        long deadline = System.nanoTime() + grace.toNanos();
        while (System.nanoTime() - deadline < 0) {
            if (!ProcStat.alive(pid, startTicks)) {
                signalGroup(pid, "KILL"); // whatever the leader left behind in its group
                return false;
            }
            Thread.sleep(10);
        }
        if (ProcStat.alive(pid, startTicks)) {
            signalGroup(pid, "KILL");
            awaitGone(pid, startTicks);
            return true;
        }
        return false;
    }

    private static void awaitGone(long pid, long startTicks) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (ProcStat.alive(pid, startTicks) && System.nanoTime() - deadline < 0) {
            Thread.sleep(5);
        }
    }

    /** {@code kill -s SIG -- -pid}: the JDK can signal a pid but not a process group. */
    private static void signalGroup(long pid, String signal) throws InterruptedException {
        try {
            Process kill = new ProcessBuilder("kill", "-s", signal, "--", "-" + pid)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!kill.waitFor(5, TimeUnit.SECONDS)) {
                kill.destroyForcibly();
            }
        } catch (IOException e) {
            LOG.warn("cannot run kill for process group {}: {}", pid, e.toString());
        }
        // The leader itself too, in case it is not a group leader (then the group signal found nothing).
        ProcessHandle.of(pid).ifPresent(h -> {
            if ("KILL".equals(signal)) {
                h.destroyForcibly();
            } else {
                h.destroy();
            }
        });
    }
}
