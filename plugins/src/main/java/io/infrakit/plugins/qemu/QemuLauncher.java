package io.infrakit.plugins.qemu;

import io.infrakit.plugins.spi.PluginException;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts a VM's QEMU. With {@code -daemonize} the command returns once the VM is set up (its sockets, disks and
 * pid file exist) and before the guest boots; its exit status says whether that worked, and what it printed (kept
 * in the VM's {@code qemu.log}) says why not.
 */
final class QemuLauncher {

    private static final int ERROR_LINES = 5;

    private QemuLauncher() {
    }

    /**
     * @throws PluginException with QEMU's own words when it did not start
     */
    static void start(List<String> command, VmFiles files, Duration timeout) throws IOException {
        Process p = new ProcessBuilder(command)
                .directory(files.dir().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(files.qemuLog().toFile()))
                .start();
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new PluginException(command.get(0) + " did not start the VM within " + timeout.toSeconds()
                        + " s; see " + files.qemuLog());
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new PluginException("interrupted while starting " + command.get(0), e);
        }
        if (p.exitValue() != 0) {
            throw new PluginException(command.get(0) + " failed (exit " + p.exitValue() + "): " + lastLines(files));
        }
        if (!QemuProcess.alive(files)) {
            throw new PluginException(command.get(0) + " exited right after starting: " + lastLines(files));
        }
    }

    private static String lastLines(VmFiles files) {
        try {
            List<String> lines = Files.readAllLines(files.qemuLog(), StandardCharsets.UTF_8).stream()
                    .filter(l -> !l.isBlank() && !l.contains("module ui-ui-")).toList();
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - ERROR_LINES), lines.size()));
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }
}
