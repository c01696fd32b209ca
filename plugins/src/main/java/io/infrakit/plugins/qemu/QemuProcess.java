package io.infrakit.plugins.qemu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.OptionalLong;

/**
 * The QEMU process of a VM, found through its pid file. QEMU removes that file when it exits cleanly, but not when
 * it is killed, and a pid can be recycled: so a pid counts only while {@code /proc/<pid>/cmdline} names this VM's
 * pid file among its arguments. An exited process that nobody reaped yet (a zombie) has an empty command line, so
 * it counts as gone too.
 */
final class QemuProcess {

    private static final Path PROC = Path.of("/proc");

    private QemuProcess() {
    }

    /** The pid of the VM's running QEMU, or empty when it is not running. */
    static OptionalLong pid(VmFiles files) {
        String text;
        try {
            text = Files.readString(files.pidFile(), StandardCharsets.US_ASCII).trim();
        } catch (NoSuchFileException e) {
            return OptionalLong.empty();
        } catch (IOException e) {
            return OptionalLong.empty();
        }
        long pid;
        try {
            pid = Long.parseLong(text);
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
        return runs(pid, files) ? OptionalLong.of(pid) : OptionalLong.empty();
    }

    static boolean alive(VmFiles files) {
        return pid(files).isPresent();
    }

    /** Whether {@code pid} is a QEMU started with this VM's pid file. */
    static boolean runs(long pid, VmFiles files) {
        byte[] cmdline;
        try {
            cmdline = Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("cmdline"));
        } catch (IOException e) {
            return false;
        }
        byte[] wanted = files.pidFile().toString().getBytes(StandardCharsets.UTF_8);
        int start = 0;
        for (int i = 0; i <= cmdline.length; i++) {
            if (i == cmdline.length || cmdline[i] == 0) {
                if (Arrays.equals(cmdline, start, i, wanted, 0, wanted.length)) {
                    return true;
                }
                start = i + 1;
            }
        }
        return false;
    }

    /** SIGKILL, when the VM's QEMU still runs; returns whether it did. */
    static boolean kill(VmFiles files) {
        OptionalLong pid = pid(files);
        if (pid.isEmpty()) {
            return false;
        }
        return ProcessHandle.of(pid.getAsLong()).map(ProcessHandle::destroyForcibly).orElse(false);
    }
}
