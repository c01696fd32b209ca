package io.infrakit.plugins.qemu;

import io.infrakit.plugins.spi.PluginException;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The instances' qcow2 disks. A pet's (an instance with a logical ID) is {@code <state dir>/disks/<logical ID>.qcow2}:
 * it outlives the VM and is attached again to the one that replaces it, so the member keeps its data. An
 * instance without a logical ID gets a disk in its own directory, removed with it. Disks are made with
 * {@code qemu-img} (the one beside the configured QEMU binary when there is one, else the one on the PATH).
 */
final class Disks {

    private final Path dir;

    Disks(Path dir) {
        this.dir = dir;
    }

    Path directory() {
        return dir;
    }

    /** The disk for an instance, made when it does not exist yet (an existing one is used as it is). */
    Path prepare(String logicalId, VmFiles files, int sizeMib, String qemu) throws IOException {
        Path disk = logicalId == null || logicalId.isEmpty() ? files.ownDisk() : petDisk(logicalId);
        if (Files.exists(disk)) {
            return disk;
        }
        Files.createDirectories(disk.getParent());
        Path temp = disk.resolveSibling("." + disk.getFileName() + ".new");
        Files.deleteIfExists(temp);
        run(qemuImg(qemu), "create", "-q", "-f", "qcow2", temp.toString(), sizeMib + "M");
        Files.move(temp, disk); // a half-made disk never takes the real name
        return disk;
    }

    /** Where the disk of the pet {@code logicalId} is, whether it exists or not. */
    Path petDisk(String logicalId) {
        return dir.resolve(fileName(logicalId) + ".qcow2");
    }

    /** The logical ID as a file name: as it is when it is plain, else URL-encoded (no '/', no leading dot). */
    static String fileName(String logicalId) {
        String name = URLEncoder.encode(logicalId, StandardCharsets.UTF_8);
        return name.startsWith(".") ? "%2E" + name.substring(1) : name;
    }

    static String qemuImg(String qemu) {
        Path binary = Path.of(qemu);
        if (binary.isAbsolute()) {
            Path sibling = binary.resolveSibling("qemu-img");
            if (Files.isExecutable(sibling)) {
                return sibling.toString();
            }
        }
        return "qemu-img";
    }

    private static void run(String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output;
            try (var in = p.getInputStream()) {
                output = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            }
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new PluginException(String.join(" ", command) + " did not finish within 60 s");
            }
            if (p.exitValue() != 0) {
                throw new PluginException(String.join(" ", command) + " failed: " + output);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new PluginException("interrupted while making a disk", e);
        }
    }
}
