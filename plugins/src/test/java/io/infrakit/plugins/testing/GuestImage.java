package io.infrakit.plugins.testing;

import io.infrakit.plugins.qemu.QemuInstancePlugin;
import io.infrakit.plugins.spi.InstanceDescription;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;

/**
 * The small Linux guest the qemu scenarios boot: Debian's kernel and a busybox initramfs, built by the qemu
 * tutorial's own script ({@code deploy/qemu-lab/guest-image.sh}) into a directory kept between runs (the script
 * downloads the kernel package once, ~70 MB). A file lock keeps test JVMs from building it twice at once.
 */
public final class GuestImage {

    /** Printed by the guest's init once its config drive and disk are mounted, before the flavor's script runs. */
    public static final String UP = "infrakit-guest: up";

    private static final String SCRIPT = "deploy/qemu-lab/guest-image.sh";
    private static Path built;

    private GuestImage() {
    }

    /** The directory holding {@code vmlinuz} and {@code initramfs.cpio.gz}, built on first use. */
    public static synchronized Path dir() {
        if (built != null) {
            return built;
        }
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "infrakit-qemu-guest");
        try {
            Files.createDirectories(dir.getParent());
            Path lockFile = dir.resolveSibling("infrakit-qemu-guest.lock");
            try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                FileLock lock = channel.lock();
                try {
                    LabScripts.run(SCRIPT, Map.of(), Duration.ofMinutes(10), dir.toString());
                } finally {
                    lock.release();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        built = dir;
        return dir;
    }

    public static Path kernel() {
        return dir().resolve("vmlinuz");
    }

    public static Path initrd() {
        return dir().resolve("initramfs.cpio.gz");
    }

    /**
     * Instance properties booting this guest under TCG, as JSON, with {@code extra} fields appended (e.g.
     * {@code "\"DiskSize\":64"}, or empty).
     */
    public static String properties(int memoryMib, String extra) {
        return "{\"Kernel\":\"" + kernel() + "\",\"Initrd\":\"" + initrd() + "\",\"CmdLine\":\"quiet\","
                + "\"Memory\":" + memoryMib + ",\"Accel\":\"tcg\"" + (extra.isEmpty() ? "" : "," + extra) + "}";
    }

    /** The console log once it holds {@code text}; fails with the log so far after {@code timeout}. */
    public static String awaitConsole(Path log, String text, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                String content = Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
                if (content.contains(text)) {
                    return content;
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new AssertionError("no \"" + text + "\" in " + log + " within " + timeout + ":\n"
                            + (content.isEmpty() ? "(empty)" : content));
                }
                Thread.sleep(100);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** SIGKILL to every VM still running in a qemu plugin's state directory: test cleanup, also after failures. */
    public static void killAll(Path vmDir) {
        if (!Files.isDirectory(vmDir)) {
            return;
        }
        QemuInstancePlugin plugin = new QemuInstancePlugin(vmDir);
        try {
            for (InstanceDescription d : plugin.describeInstances(Map.of(), false)) {
                plugin.pid(d.id()).ifPresent(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
            }
        } finally {
            plugin.close();
        }
    }
}
