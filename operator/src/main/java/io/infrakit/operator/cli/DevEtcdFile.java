package io.infrakit.operator.cli;

import io.infrakit.plugins.state.PrivateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The endpoint of the etcd that {@code infrakit up} started in dev mode, written to {@code <home>/etcd/endpoint}
 * with the owning process ID, so other commands on this machine find it without flags.
 */
public final class DevEtcdFile {

    private DevEtcdFile() {
    }

    static Path file(Path home) {
        return home.resolve("etcd").resolve("endpoint");
    }

    public static void write(Path home, String endpoint) throws IOException {
        Path f = file(home);
        PrivateFiles.createDirectories(f.getParent());
        PrivateFiles.writeAtomically(f, (endpoint + " " + ProcessHandle.current().pid() + "\n")
                .getBytes(StandardCharsets.UTF_8));
    }

    public static void delete(Path home) {
        try {
            Files.deleteIfExists(file(home));
        } catch (IOException e) {
            // Stale files are ignored on read anyway (the owner process is checked).
        }
    }

    /** The endpoint, if the process that wrote it is still alive. */
    public static Optional<String> read(Path home) {
        try {
            String[] parts = Files.readString(file(home)).strip().split(" ");
            if (parts.length == 2 && ProcessHandle.of(Long.parseLong(parts[1])).map(ProcessHandle::isAlive)
                    .orElse(false)) {
                return Optional.of(parts[0]);
            }
        } catch (IOException | NumberFormatException e) {
            // No dev etcd.
        }
        return Optional.empty();
    }
}
