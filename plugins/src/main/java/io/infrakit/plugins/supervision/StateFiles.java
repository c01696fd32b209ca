package io.infrakit.plugins.supervision;

import io.infrakit.plugins.spi.PluginException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/** The state files instance plugins keep beside what they run, written so that a reader never sees half of one. */
public final class StateFiles {

    private StateFiles() {
    }

    /**
     * Writes a hidden temporary file beside the target, flushes it to disk, then renames it over the target: a reader
     * sees the old file or the new one, and a crash leaves at most a hidden temporary file.
     *
     * @throws PluginException when the file cannot be written
     */
    public static void write(Path target, byte[] content) {
        Path temp = target.resolveSibling("." + target.getFileName() + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (FileAlreadyExistsException e) {
            throw new PluginException("cannot write " + target + ": temporary file exists", e);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new PluginException("cannot write " + target + ": " + e, e);
        }
    }
}
