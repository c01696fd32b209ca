package io.infrakit.plugins.qemu;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Health through the serial console: whether a VM's console log holds its group's boot marker yet. Each log is
 * read on from where the last look stopped (a marker cut in two by a look is still found), and a VM once found
 * booted stays so.
 */
final class BootMarkers {

    private record Progress(long offset, byte[] tail, boolean found) {
    }

    private static final int CHUNK = 64 * 1024;
    private final Map<String, Progress> progress = new ConcurrentHashMap<>();

    /** Whether {@code log} holds {@code marker}; false when the log cannot be read (yet). */
    boolean booted(String id, Path log, String marker) {
        Progress p = progress.getOrDefault(id, new Progress(0, new byte[0], false));
        if (p.found()) {
            return true;
        }
        byte[] wanted = marker.getBytes(StandardCharsets.UTF_8);
        try (FileChannel channel = FileChannel.open(log, StandardOpenOption.READ)) {
            long offset = p.offset();
            byte[] tail = p.tail();
            ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
            while (true) {
                buffer.clear();
                int n = channel.read(buffer, offset);
                if (n <= 0) {
                    break;
                }
                offset += n;
                byte[] window = new byte[tail.length + n];
                System.arraycopy(tail, 0, window, 0, tail.length);
                System.arraycopy(buffer.array(), 0, window, tail.length, n);
                if (indexOf(window, wanted) >= 0) {
                    progress.put(id, new Progress(offset, new byte[0], true));
                    return true;
                }
                int keep = Math.min(window.length, Math.max(0, wanted.length - 1));
                tail = Arrays.copyOfRange(window, window.length - keep, window.length);
            }
            progress.put(id, new Progress(offset, tail, false));
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    void forget(String id) {
        progress.remove(id);
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
