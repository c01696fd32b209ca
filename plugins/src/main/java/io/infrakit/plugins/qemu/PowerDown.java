package io.infrakit.plugins.qemu;

import java.io.IOException;
import java.time.Duration;

/**
 * Stops a VM the way a person at the console would: the ACPI power button ({@code system_powerdown}), so a guest
 * that handles it shuts down cleanly and syncs its disks; after a grace period QEMU's {@code quit}; SIGKILL when
 * even that is not answered.
 */
final class PowerDown {

    private static final long POLL_MILLIS = 20;

    private PowerDown() {
    }

    /** Returns how the VM ended, for the log. */
    static String stop(VmFiles files, Duration grace, Duration quitGrace) throws InterruptedException {
        if (!QemuProcess.alive(files)) {
            return "it was not running";
        }
        if (command(files, "system_powerdown") && awaitGone(files, grace)) {
            return "powered down";
        }
        if (command(files, "quit") && awaitGone(files, quitGrace)) {
            return "quit after a " + grace.toMillis() + " ms grace";
        }
        QemuProcess.kill(files);
        awaitGone(files, quitGrace);
        return "killed: QEMU did not quit";
    }

    private static boolean command(VmFiles files, String command) {
        try (Qmp qmp = Qmp.connect(files.qmpSocket(), QemuInstancePlugin.QMP_TIMEOUT)) {
            qmp.execute(command, null);
            return true;
        } catch (IOException e) {
            // quit may end the process before its answer: then the connection just closes
            return "quit".equals(command);
        }
    }

    private static boolean awaitGone(VmFiles files, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (QemuProcess.alive(files)) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(POLL_MILLIS);
        }
        return true;
    }
}
