package io.infrakit.plugins.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Loopback ports for a process a test starts, which binds them seconds later. They are picked below the kernel's
 * ephemeral range: a port from that range ({@code new ServerSocket(0)}) can meanwhile become the source port of any
 * outgoing connection, and the process then finds it taken. (The store's {@code LocalPorts} follows the same rule;
 * this module does not depend on the store.)
 */
public final class FreePorts {

    private static final int LOWEST = 20000;

    private FreePorts() {
    }

    /**
     * A port on the loopback address that was free a moment ago; from the ephemeral range only where the range
     * leaves none below it.
     */
    public static int loopback() {
        int below = ephemeralLow();
        for (int attempt = 0; attempt < 100 && below > LOWEST; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, below);
            if (bindable(port)) {
                return port;
            }
        }
        try (ServerSocket any = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return any.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    private static boolean bindable(int port) {
        try {
            new ServerSocket(port, 1, InetAddress.getLoopbackAddress()).close();
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    /**
     * The first port the kernel hands out for outgoing connections (32768 where it cannot be read). Read by lines:
     * the file's size is 0, and {@code Files.readString} then reads one byte alone, after which the kernel says end.
     */
    private static int ephemeralLow() {
        try {
            return Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0)
                    .trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 32768;
        }
    }
}
