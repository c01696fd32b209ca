package io.infrakit.plugins.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
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
            try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = channel.lock()) {
                LabScripts.run(SCRIPT, Map.of(), Duration.ofMinutes(10), dir.toString());
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
}
